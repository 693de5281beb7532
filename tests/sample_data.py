"""Where the real arXiv sample lives; imported by the suite's conftest and by sample tests.

The sample is read in place (never copied into the repository): `SCHOLARGRAPH_DATA_DIR`,
defaulting to `../shared/data/arxiv` next to the repository root. Without it the sample
tests skip, unless `SCHOLARGRAPH_REQUIRE_SAMPLE=1` (CI), where a missing sample fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "arxiv"


def sample_dir() -> Path:
    """Where the sample should be, whether or not it is there."""
    configured = os.environ.get("SCHOLARGRAPH_DATA_DIR")
    path = Path(configured).expanduser() if configured else DEFAULT_DATA_DIR
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


def sample_data_dir() -> Path:
    """The sample directory, or skip/fail the calling test when it is missing."""
    path = sample_dir()
    if not path.is_dir():
        message = f"arXiv sample not found at {path}; set SCHOLARGRAPH_DATA_DIR"
        if os.environ.get("SCHOLARGRAPH_REQUIRE_SAMPLE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def arxiv_data_dir() -> Path:
    return sample_data_dir()
