"""reportgen: builds the FER2013 homework Report.pdf in the course's template."""

from importlib import metadata, resources
from pathlib import Path

DIST = "fer-reportgen"  # the distribution's name: `reportgen` on PyPI is another project
NOT_INSTALLED = "0+unknown"  # the version of a folder imported without being installed
try:
    # The one version, the git tag's, written into the metadata when the package was built
    # (setuptools-scm; see pyproject.toml). An editable install keeps the version of the commit
    # it was installed at: `reportgen --version` names the checkout's commit beside it.
    __version__ = metadata.version(DIST)
except metadata.PackageNotFoundError:
    __version__ = NOT_INSTALLED

# Everything reportgen reads at run time lives inside this package (templates, word catalogs,
# prose, profiles, the question modules), so a wheel or a git install is whole. Wheels install
# unpacked, so the resources are plain files that Jinja and WeasyPrint can open by path.
PACKAGE_DIR = Path(str(resources.files(__name__))).resolve()
TEMPLATES_DIR = PACKAGE_DIR / "templates"
# The folder `reportgen` is imported from: a checkout, or site-packages. Paths in cache keys
# are relative to it, so the same code gives the same keys wherever it is installed.
SOURCE_ROOT = PACKAGE_DIR.parent
