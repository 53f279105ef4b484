"""The package's layout (issue 3/4 item 3): no import cycles, it never imports the test tree (so a wheel install
works), old module paths still import, and the repository's folders of built-in files link to the package data."""

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


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import that can run: at module level or inside functions, not under ``if TYPE_CHECKING:``."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [n for child in node.orelse for n in _runtime_imports(ast.Module([child], []))]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        else:
            found += _runtime_imports(node)
    return found


def _import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (``from . import x``: the module x if there is one, else the
    package's face)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        targets = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
                continue
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            targets |= {f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod for a in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def test_the_package_has_no_import_cycles():
    walked = _runtime_imports(ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n"
                                        "else:\n    from .b import B\ndef f():\n    from .c import C\n"))
    assert [n.module for n in walked] == ["typing", "b", "c"]  # imports in functions count, type checking's not
    graph = _import_graph()
    cycles = []
    for start in graph:  # a module that can reach itself through its imports
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m == start:
                cycles.append(start)
                break
            if m not in seen:
                seen.add(m)
                todo += graph[m]
    assert cycles == []


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
