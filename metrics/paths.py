"""Every path the product reads, resolved from the repository root, never from the working dir."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SRC_DIR = DATA_DIR / "src"
GEO_DIR = DATA_DIR / "geo"
MANIFEST_NAME = "manifest.json"
