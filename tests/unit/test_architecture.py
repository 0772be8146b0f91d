"""Every service has the anatomy written down in services/README.md, the console (no event
service: a front end owning no business data) the one written down in console/README.md,
and both (and the simulator, demo/) stay readable: no function over 40 lines, no module over
300 (migrations excepted: Alembic writes them). The import rules themselves are
import-linter's contracts (.importlinter, run by make test)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from shared.service import all_definitions
from tests.helpers import SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
CONSOLE = ROOT / "console"
SIMULATOR = ROOT / "demo"  # make demo (issue 15): held to the same limits
# The console's rooms (console/README.md): modules, and the folders that are not Python.
CONSOLE_ROOMS = (
    "__init__",
    "app",
    "config",
    "context",
    "clients",
    "sessions",
    "users",
    "i18n",
    "sla",
    "labels",
    "views",
)
CONSOLE_FOLDERS = ("templates", "static/vendor", "translations/zh_CN/LC_MESSAGES")
ROOMS = (
    "__init__",
    "app",
    "domain",
    "models",
    "repositories",
    "use_cases",
    "queries",
    "routes",
    "schemas",
    "events",
    "handlers",
)
MAX_FUNCTION_LINES = 40
MAX_MODULE_LINES = 300


def _sources() -> list[Path]:
    services = (
        p for p in SERVICES.rglob("*.py") if "migrations" not in p.relative_to(SERVICES).parts
    )
    return sorted([*services, *CONSOLE.rglob("*.py"), *SIMULATOR.rglob("*.py")])


def test_every_registered_service_is_one_the_spec_names() -> None:
    assert tuple(d.name for d in all_definitions()) == SERVICE_NAMES


@pytest.mark.parametrize("name", SERVICE_NAMES)
def test_every_service_has_every_room(name: str) -> None:
    package = SERVICES / name
    missing = [
        room
        for room in ROOMS
        if not (package / f"{room}.py").exists() and not (package / room / "__init__.py").exists()
    ]
    assert missing == [], f"services/{name} lacks {missing}"


def test_the_console_has_the_rooms_its_readme_documents() -> None:
    readme = (CONSOLE / "README.md").read_text()
    missing = [
        room
        for room in CONSOLE_ROOMS
        if not (CONSOLE / f"{room}.py").exists() and not (CONSOLE / room / "__init__.py").exists()
    ]
    missing += [folder for folder in CONSOLE_FOLDERS if not (CONSOLE / folder).is_dir()]
    assert missing == [], f"console lacks {missing}"
    undocumented = [room for room in (*CONSOLE_ROOMS, *CONSOLE_FOLDERS) if f"`{room}" not in readme]
    assert undocumented == [], f"console/README.md does not describe {undocumented}"
    strays = sorted(p.stem for p in CONSOLE.glob("*.py") if p.stem not in CONSOLE_ROOMS)
    assert strays == [], f"add these to the console's anatomy (README and this test): {strays}"


def test_no_module_is_too_long() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these into packages: {long}"


def test_no_function_is_too_long() -> None:
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}, long


def test_the_import_contracts_hold() -> None:
    """The same check make test runs, so a plain pytest run catches a broken layer too."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
