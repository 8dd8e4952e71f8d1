"""Where reportgen keeps what only saves time (data fingerprints, fonts for old matplotlib).

REPORTGEN_CACHE_DIR when set; else the platform's user cache folder (platformdirs):
$XDG_CACHE_HOME/reportgen or ~/.cache/reportgen on Linux, ~/Library/Caches/reportgen on
macOS, %LOCALAPPDATA%\\reportgen\\Cache on Windows.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "reportgen"


def cache_root() -> Path:
    explicit = os.environ.get("REPORTGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))
