#!/usr/bin/env bash
# The build-and-check every CI of this project runs (.ci/run, .github/workflows/ci.yml and,
# with the wheel installed into a fresh venv, release.yml): what a student does, in a new empty
# folder outside the checkout, with its own cache folder: --version, init, doctor, build the
# tiny report (training its runs), check it. Exits non-zero at the first step that fails.
#   tools/build_and_check.sh [REPORTGEN]    REPORTGEN: the command (default: the checkout's .venv)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reportgen=${1:-$root/.venv/bin/reportgen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export REPORTGEN_CACHE_DIR="$work/cache"
mkdir "$work/hw3"
cd "$work/hw3"
step() {
  echo "build_and_check: reportgen $*" >&2
  "$reportgen" "$@"
}
step --version
step init --student-id R05942017 --profile tiny
step doctor
step build --profile tiny --quiet
step check Report.pdf
