#!/usr/bin/env bash
# A release, short of publishing (.github/workflows/release.yml runs it; so can you, in a
# checkout): the sdist and the wheel built into dist/ (their version from the git tag, by
# setuptools-scm), their metadata checked as PyPI will read it (twine check) and the wheel's
# contents (reportgen whole and nothing else: check-wheel-contents), then the wheel installed
# with its dependencies into a fresh venv, where tools/build_and_check.sh builds and checks
# the tiny report. On a tag (GITHUB_REF_NAME=v0.4.0) the wheel must carry its version and
# CHANGELOG.md must have its section.
#   tools/release_check.sh [PYTHON]   PYTHON builds (default python3) and has build, twine and
#                                     check-wheel-contents (pyproject.toml's dev extra)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
rm -rf dist
"$python" -m build --outdir dist .
"$python" -m twine check --strict dist/*
"$python" -m check_wheel_contents --package reportgen dist/*.whl
wheel=$(echo dist/*.whl)
echo "release_check: built $(basename "$wheel") and $(basename dist/*.tar.gz)" >&2
tag=${GITHUB_REF_NAME:-}
if [[ $tag == v* && $wheel != "dist/fer_reportgen-${tag#v}-py3-none-any.whl" ]]; then
  echo "release_check: the tag $tag built $wheel, not version ${tag#v}" >&2
  exit 1
fi
if [[ $tag == v* ]] && ! grep -q "^## \[${tag#v}\]" CHANGELOG.md; then
  echo "release_check: CHANGELOG.md has no section ## [${tag#v}] for the tag $tag" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"
tools/build_and_check.sh "$work/venv/bin/reportgen"
