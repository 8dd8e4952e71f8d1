"""Where this copy of reportgen came from, as a pip requirement that installs exactly it on
another machine (what `init --ci github` writes into a student's workflow).

pip records the source of a direct install in direct_url.json (PEP 610): a git URL and commit,
a local folder, or an archive (a wheel). A git URL is kept when another machine can reach it;
a local checkout or a local git URL gives its `origin` remote at the commit. Anything else (a
wheel, a folder that is no clone of a public repository, an install from the registry) gives
the registry name at this version when it is a release (a tag's: 0.4.0), else the repository
at its commit (0.4.1.dev3+g1a2b3c4, a commit after a release: the registry has no such
version).

The repository's address is written once, in pyproject.toml's [project.urls]; it is read here
from the installed metadata. install_source() says where this copy came from, for
`reportgen --version` and `doctor`.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from packaging.version import InvalidVersion, Version

from reportgen import DIST, NOT_INSTALLED, SOURCE_ROOT, __version__

_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")  # git@github.com:owner/repo.git
# setuptools-scm's local part of a version built from a commit: +g<commit>[.d<date>]
_BUILT_COMMIT = re.compile(r"\+g([0-9a-f]{7,40})\b")
SOURCE_LABEL = "Source"  # the [project.urls] entry that is the repository


@dataclass(frozen=True)
class Source:
    """Where this copy of reportgen came from.

    kind: "release" (a tagged version: from the registry, its wheel, a git URL or a folder),
    "commit" (the same of a commit that is no release), "checkout" (an editable install: the
    commit is the folder's HEAD now), "folder" (imported from a folder, not installed).
    """

    kind: str
    version: str
    commit: str | None = None
    location: str | None = None  # a URL, a wheel's file name or a folder; None: the registry
    changed: bool = False  # a checkout with uncommitted changes


def requirement() -> str:
    """A pip requirement that installs exactly this copy on another machine."""
    found = git_origin(direct_url())
    if found is not None:
        url, commit = found
        return f"{DIST} @ git+{url}@{commit}"
    if is_release(__version__):
        return f"{DIST}=={__version__}"
    # A commit after a release, from a wheel or a checkout without a public remote: the
    # repository at that commit (the registry has no such version).
    at, repository = install_source().commit, repository_url()
    return f"{DIST} @ git+{repository}@{at}" if at and repository else f"{DIST}=={__version__}"


def is_release(version: str) -> bool:
    """A version a tag made (0.4.0, 1.0rc1): not a commit after one, not setuptools-scm's
    fallback (0.0.0), not a folder that was never installed."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return not (parsed.is_devrelease or parsed.local) and parsed != Version("0")


def built_commit(version: str) -> str | None:
    """The commit a version was built from (setuptools-scm's +g<commit>), if it says."""
    match = _BUILT_COMMIT.search(version)
    return match.group(1) if match else None


def repository_url() -> str | None:
    """The repository's address, from the installed metadata ([project.urls] Source)."""
    try:
        urls = metadata.metadata(DIST).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip() == SOURCE_LABEL:
            return url.strip()
    return None


def install_source() -> Source:
    """Where this copy came from (see Source), from its PEP 610 record and its version."""
    if __version__ == NOT_INSTALLED:
        commit, changed = _head(SOURCE_ROOT)
        return Source("folder", __version__, commit, str(SOURCE_ROOT), changed=changed)
    direct = direct_url()
    url = str(direct.get("url") or "")
    local = _local_path(url)
    if (direct.get("dir_info") or {}).get("editable") and local is not None:
        commit, changed = _head(local)  # the code run is the folder's as it is now
        return Source("checkout", __version__, commit, str(local), changed)
    vcs = direct.get("vcs_info") or {}
    commit = vcs.get("commit_id") or built_commit(__version__)
    where = url if vcs else (Path(unquote(urlsplit(url).path)).name or None)  # a wheel's name
    if local is not None and "dir_info" in direct:
        where = str(local)  # a folder installed as it was then: its version says the commit
    kind = "release" if is_release(__version__) else "commit"
    return Source(kind, __version__, commit, where)


def _head(folder: Path) -> tuple[str | None, bool]:
    """A folder's git commit and whether it has uncommitted changes ((None, False): no git)."""
    commit = _git(folder, "rev-parse", "--short=12", "HEAD")
    if commit is None:
        return None, False
    return commit, bool(_git(folder, "status", "--porcelain", "--untracked-files=no"))


def direct_url() -> dict:
    """This distribution's PEP 610 record; {} when installed from an index (or unreadable)."""
    # The first copy that has one: run from a checkout, its *.egg-info comes first and has none.
    for dist in metadata.distributions(name=DIST):
        try:
            found = json.loads(dist.read_text("direct_url.json") or "null")
        except ValueError:
            continue
        if isinstance(found, dict):
            return found
    return {}


def git_origin(direct: dict) -> tuple[str, str] | None:
    """(a URL another machine can clone, the commit) for a git or local-folder install."""
    url = str(direct.get("url") or "")
    vcs = direct.get("vcs_info") or {}
    local = _local_path(url)
    if vcs.get("vcs") == "git" and vcs.get("commit_id"):
        public = public_url(url) if local is None else _remote(local)
        return (public, vcs["commit_id"]) if public else None
    if "dir_info" in direct and local is not None:
        public, commit = _remote(local), _git(local, "rev-parse", "HEAD")
        return (public, commit) if public and commit else None
    return None


def public_url(remote: str) -> str | None:
    """An https URL for a git remote (ssh and scp-like forms too); None for a local one."""
    remote = remote.strip()
    parts = urlsplit(remote)
    if parts.scheme in ("https", "http"):
        return remote
    if parts.scheme == "ssh" and parts.hostname:
        return f"https://{parts.hostname}{parts.path}"
    match = _SCP_LIKE.match(remote) if not parts.scheme or len(parts.scheme) > 1 else None
    if match and "/" not in match.group(1):
        return f"https://{match.group(1)}/{match.group(2).lstrip('/')}"
    return None


def _local_path(url: str) -> Path | None:
    parts = urlsplit(url)
    return Path(url2pathname(parts.path)) if parts.scheme == "file" else None


def _remote(folder: Path) -> str | None:
    remote = _git(folder, "remote", "get-url", "origin")
    return public_url(remote) if remote else None


def _git(folder: Path, *argv: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *argv], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
