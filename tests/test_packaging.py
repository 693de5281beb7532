"""The wheel ships every package the `scholargraph` command imports."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_lists_every_application_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    # hatchling ignores keys it does not know and then ships only `scholargraph/`.
    shipped = set(config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert packages == {"scholargraph", "schema", "resolvers", "graphdb", "loaders"}
    assert shipped == packages
