"""Where the read-only conformance data lives (importable by test modules)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE_DIR = Path(
    os.environ.get("ENTITYBASE_CONFORMANCE_DIR", REPO_ROOT.parent / "shared" / "conformance")
)
