"""Every path the product reads, resolved from the repository root, never from the working dir."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SRC_DIR = DATA_DIR / "src"
GEO_DIR = DATA_DIR / "geo"
MANIFEST_NAME = "manifest.json"


def rel_to_repo(path: Path) -> str:
    """``path`` relative to the repository root (as messages name files), else as given."""
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()
