"""WeasyPrint and the system libraries it loads (Pango, GObject, HarfBuzz, Fontconfig).

pip installs WeasyPrint but not Pango, which it opens through cffi when it is imported. Where
Pango is missing (macOS and Windows unless installed by hand, a bare Linux image), the import
fails with a cffi error after printing a banner; load_weasyprint() turns that into one line
that names the fix for the platform at hand.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import MutableMapping
from pathlib import Path
from types import ModuleType

from reportgen.errors import UserError

APT_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


def load_weasyprint() -> ModuleType:
    """WeasyPrint, imported; a UserError naming the fix when its native libraries don't load."""
    find_homebrew_libraries()
    try:
        # WeasyPrint prints a banner to stdout before re-raising a failed library load, and
        # warns that libharfbuzz-subset will be needed one day (we subset fonts ourselves).
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
            import weasyprint
    except ModuleNotFoundError as exc:  # a Python package, not a system library
        raise UserError(
            f"WeasyPrint cannot be imported ({exc}): install it and what it needs into this "
            "Python with pip install --force-reinstall weasyprint"
        ) from None
    except (OSError, ImportError) as exc:
        raise UserError(missing_library_message(exc)) from None
    return weasyprint


def find_homebrew_libraries(
    environ: MutableMapping[str, str] = os.environ, platform: str = sys.platform
) -> None:
    """macOS: let WeasyPrint find Homebrew's Pango. Homebrew on Apple silicon installs it in
    /opt/homebrew/lib, outside dyld's default fallback path. cffi, after dlopen fails, asks
    ctypes.util.find_library, which reads DYLD_FALLBACK_LIBRARY_PATH from os.environ when it
    is called (dyld reads it only at start-up, and macOS drops it across a shell script)."""
    if platform != "darwin":
        return
    lib = f"{environ.get('HOMEBREW_PREFIX') or '/opt/homebrew'}/lib"
    current = environ.get("DYLD_FALLBACK_LIBRARY_PATH", "")
    if lib in current.split(":") or not Path(lib).is_dir():
        return
    default = f"{Path.home()}/lib:/usr/local/lib:/lib:/usr/lib"  # dyld's when it is unset
    environ["DYLD_FALLBACK_LIBRARY_PATH"] = f"{lib}:{current or default}"


def missing_library_message(exc: BaseException, platform: str | None = None) -> str:
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    detail = detail.split(".  Additionally,")[0]  # cffi's second sentence says it again
    return (
        f"WeasyPrint cannot load Pango, a system library it needs to write the PDF ({detail}): "
        f"{pango_fix(platform or sys.platform)}"
    )


def pango_fix(platform: str) -> str:
    """How to get Pango on this platform (sys.platform's names), in a sentence."""
    if platform == "darwin":
        return "install it with Homebrew: brew install pango"
    if platform in ("win32", "cygwin"):
        return (
            "on Windows, run reportgen in WSL2 (Ubuntu: sudo apt-get install "
            f"{APT_PACKAGES}) or on Colab (see the README)"
        )
    if Path("/etc/debian_version").exists():
        return f"install it with `sudo apt-get install {APT_PACKAGES}`"
    return "install Pango with your package manager (Debian and Ubuntu: " + APT_PACKAGES + ")"
