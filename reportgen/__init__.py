"""reportgen: builds the FER2013 homework Report.pdf in the course's template."""

from importlib import resources
from pathlib import Path

__version__ = "0.1.0"

# Everything reportgen reads at run time lives inside this package (templates, word catalogs,
# prose, profiles, the question modules), so a wheel or a git install is whole. Wheels install
# unpacked, so the resources are plain files that Jinja and WeasyPrint can open by path.
PACKAGE_DIR = Path(str(resources.files(__name__))).resolve()
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# The folder `reportgen` is imported from: a checkout, or site-packages. Paths in cache keys
# are relative to it, so the same code gives the same keys wherever it is installed.
SOURCE_ROOT = PACKAGE_DIR.parent
