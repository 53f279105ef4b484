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


def test_every_old_module_path_gives_the_module_at_its_new_path():
    import importlib

    from sim.moved import MOVED

    for old, new in MOVED.items():
        module = importlib.import_module(old)
        assert module is importlib.import_module(new), old
        assert module.__name__ == module.__spec__.name == new  # the module keeps its own name and spec
        assert not (PACKAGE.parent / (old.replace(".", "/") + ".py")).exists(), f"a file stands at {old}"


def test_the_repository_folders_of_built_in_files_are_links_to_the_package_data():
    from sim.builtin import EXPERIMENT_DIR, ROOT, SCENARIO_DIR, SCHEMA_DIR

    repo = PACKAGE.parent
    assert ROOT == PACKAGE / "builtin"
    for folder, target in (("scenarios", SCENARIO_DIR), ("schema", SCHEMA_DIR)):
        assert (repo / folder).is_symlink() and (repo / folder).resolve() == target.resolve()
    linked = {p.name for p in (repo / "experiments").glob("*.yaml") if p.resolve().parent == EXPERIMENT_DIR.resolve()}
    assert linked == {p.name for p in EXPERIMENT_DIR.glob("*.yaml")}  # one copy, each file linked
