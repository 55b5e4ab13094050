"""The architecture, checked: floors whose imports point down, no import cycles, small modules and
functions, and names that do not shadow the standard library. Run alone with
`.venv/bin/python -m pytest tests/test_layout.py`."""

from __future__ import annotations

import ast
import builtins
import collections
import graphlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Each floor stands on those below it; a module may import its own floor and lower ones.
FLOORS = {
    "core": 0,
    "ingest": 1,
    "minutes": 2,
    "index": 2,
    "answer": 3,
    "library": 4,
    "eval": 5,
    "bench": 6,
    "web": 7,
    "app": 8,
    "cli": 9,
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
# Standard-library names a module of ours must not define at its top level.
SHADOWED = set(dir(builtins)) | set(collections.__all__) | {"Path", "Enum", "dataclass"}


def modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in FLOORS:
        folder = ROOT / package
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                parts = path.relative_to(ROOT).with_suffix("").parts
                found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def imports(path: Path) -> set[str]:
    """The project modules a module imports, at its top or inside functions."""
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            named |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            named.add(node.module)
            named |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in named if name in MODULES}


def floor(module: str) -> int:
    return FLOORS[module.split(".")[0]]


def test_the_floors_cover_every_package():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages <= set(FLOORS), f"give these packages a floor: {packages - set(FLOORS)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.split(".")[0] == "minutes"))
def test_minutes_stand_on_ingest_and_core_only(module):
    """Minutes need no store: `minutes/` shares index's floor but imports nothing of index/ or above."""
    above = sorted(name for name in imports(MODULES[module]) if name.split(".")[0] not in ("minutes", "ingest", "core"))
    assert not above, f"{module} imports from index/ or above: {above}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    upward = sorted(name for name in imports(MODULES[module]) if floor(name) > floor(module))
    assert not upward, f"{module} (floor {floor(module)}) imports from above it: {upward}"


def test_no_import_cycles():
    graph = {
        # a package's __init__ may gather its own modules (a registry filled on import): not a cycle
        module: {name for name in imports(path) if name != module and not name.startswith(module + ".")}
        for module, path in MODULES.items()
    }
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_stay_small(module):
    path = MODULES[module]
    source = path.read_text()
    assert source.count("\n") <= MAX_MODULE_LINES, f"{path} has {source.count(chr(10))} lines; split it"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path}: functions over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_names_do_not_shadow_the_standard_library(module):
    tree = ast.parse(MODULES[module].read_text())
    defined = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    assert not defined & SHADOWED, f"{module} defines {sorted(defined & SHADOWED)}, names of the standard library"


def test_private_helpers_have_one_meaning():
    """A private top-level helper's name means one thing across the project (not two `_select`s)."""
    owners: dict[str, list[str]] = collections.defaultdict(list)
    for module, path in MODULES.items():
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("_") and not node.name.startswith("__"):
                owners[node.name].append(module)
    shared = {name: where for name, where in owners.items() if len(where) > 1}
    assert not shared, f"private helpers defined in several modules under one name: {shared}"


def test_every_data_file_of_a_package_ships_with_it():
    """A fitted model or suite file that pyproject's package-data does not name is left out of a
    wheel, and the installed package cannot answer (it reads them at run time)."""
    import fnmatch
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = declared["package-data"]
    for package in FLOORS:
        folder = ROOT / package
        for path in folder.rglob("*") if folder.is_dir() else ():
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                inner = path.relative_to(folder).as_posix()
                assert any(fnmatch.fnmatch(inner, glob) for glob in patterns.get(package, ())), (
                    f"{path.relative_to(ROOT)} is not in pyproject's [tool.setuptools.package-data]"
                )


def test_the_tests_mirror_the_packages():
    folders = {path.parent.name for path in (ROOT / "tests").glob("*/__init__.py")} - {"data"}
    assert folders <= set(FLOORS), f"test folders with no package of that name: {folders - set(FLOORS)}"


def test_only_the_library_writes():
    """Answering never writes: of the floors that read, only the library (the facade) imports the writer."""
    writers = sorted(name for name in MODULES if "index.writer" in imports(MODULES[name]) and floor(name) >= 3)
    assert all(name.split(".")[0] != "answer" for name in writers), writers
