"""The layering of ARCHITECTURE.md, checked on the source: dependencies point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
ADAPTERS = ("app.web", "app.api", "app.sockets")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


APP_MODULES = sorted(APP.rglob("*.py"))


def test_the_scan_sees_the_app() -> None:
    assert len(APP_MODULES) > 20


@pytest.mark.parametrize("path", APP_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_below_the_adapters_imports_an_adapter(path: Path) -> None:
    name = module_name(path)
    if name == "app" or name.startswith(ADAPTERS):
        return
    bad = {imp for imp in imports_of(path) if imp.startswith(ADAPTERS)}
    assert not bad, f"{name} imports adapter modules {bad}"


@pytest.mark.parametrize("path", sorted((APP / "models").glob("*.py")), ids=lambda p: p.name)
def test_models_import_no_flask(path: Path) -> None:
    assert not {imp for imp in imports_of(path) if imp.split(".")[0].startswith("flask")}


@pytest.mark.parametrize("path", [p for p in APP_MODULES if module_name(p).startswith(ADAPTERS)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_never_touch_the_session(path: Path) -> None:
    """Pages, API and sockets call actions to write; they never commit or add rows themselves."""
    source = path.read_text(encoding="utf-8")
    for forbidden in ("db.session.commit", "db.session.add", "db.session.delete", "session.commit("):
        assert forbidden not in source, f"{path.name} uses {forbidden}"


def test_only_text_module_imports_the_sanitiser() -> None:
    users = [module_name(p) for p in APP_MODULES if any(i.split(".")[0] in ("nh3", "bleach") for i in imports_of(p))]
    assert users == ["app.text"]


def test_only_wsgi_imports_eventlet() -> None:
    users = [str(p.relative_to(ROOT)) for p in [*APP_MODULES, ROOT / "config.py"]
             if any(i.split(".")[0] == "eventlet" for i in imports_of(p))]
    assert users == []
    assert "eventlet" in imports_of(ROOT / "wsgi.py")


def test_only_the_unit_of_work_commits() -> None:
    committers = [module_name(p) for p in APP_MODULES if ".commit()" in p.read_text(encoding="utf-8")]
    assert committers == ["app.actions.unit"]
