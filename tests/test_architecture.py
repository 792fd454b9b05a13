"""ARCHITECTURE.md names what the code has: every path it names exists, every package of `bot`
is described, and its layers are the import contract's."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "ARCHITECTURE.md").read_text()


def test_every_module_it_names_exists():
    named = set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)", TEXT))
    assert named, "no paths found"
    missing = [
        path
        for path in named
        if not any((ROOT / top / path).exists() for top in ("", "bot", "conversations"))
    ]
    assert missing == []


def test_every_package_of_bot_is_described():
    packages = {p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()}
    assert sorted(p for p in packages if f"`{p}/`" not in TEXT) == []


def test_its_layers_are_the_import_contracts():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c.get("containers") == ["bot"])
    order = [name for layer in layers for name in re.split(r"\s*\|\s*", layer)]
    described = [m.group(1) for m in re.finditer(r"`([a-z_]+)(?:\.py|/)`", TEXT.split("## One")[0])]
    positions = [described.index(name) for name in order]
    assert positions == sorted(positions), "ARCHITECTURE.md lists the layers in another order"
