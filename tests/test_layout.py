"""The package's layout: it never imports the test tree, so a wheel install works (issue 3/4 item 3)."""

import ast
from pathlib import Path

import sim

PACKAGE = Path(sim.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_package_never_imports_the_test_tree():
    offenders = {str(p.relative_to(PACKAGE)): sorted(n for n in _imports(p) if n.split(".")[0] == "tests")
                 for p in PACKAGE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_per_agent_reference_ships_with_the_package():
    from sim.reference import ReferenceModel

    assert issubclass(ReferenceModel, sim.TrafficModel)
