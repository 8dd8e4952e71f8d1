"""Where this copy of reportgen came from, as a pip requirement that installs exactly it on
another machine (what `init --ci github` writes into a student's workflow).

pip records the source of a direct install in direct_url.json (PEP 610): a git URL and commit,
a local folder, or an archive (a wheel). A git URL is kept when another machine can reach it;
a local checkout or a local git URL gives its `origin` remote at the commit. Anything else (a
wheel, a folder that is no clone of a public repository, an install from the registry) gives
the registry name at this version.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from reportgen import __version__

DIST = "fer-reportgen"  # the distribution's name: `reportgen` on PyPI is another project
_SCP_LIKE = re.compile(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$")  # git@github.com:owner/repo.git


def requirement() -> str:
    direct = direct_url()
    found = git_origin(direct)
    if found is not None:
        url, commit = found
        return f"{DIST} @ git+{url}@{commit}"
    return f"{DIST}=={__version__}"


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
