"""Citations stay inside the repository (issue 3/4 item 6): code, docs and schemas cite docs/MODEL.md
(its sections and its sources table, §11), never the brief or other files kept outside the checkout."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ("sim", "docs", "schema", "tests", "benchmarks", "experiments", "scripts", "scenarios", "examples")
FILES = ("README.md", "pyproject.toml", "Makefile")
SUFFIXES = {".py", ".md", ".json", ".toml", ".yaml", ".yml", ".txt", ".cfg", ".ini", ".html", ".ipynb", ""}

# the brief by name, and the shared folder beside the checkout (../shared, shared/STACK.md, ...)
OUTSIDE = re.compile(r"MODEL_BRIEF|\.\./shared\b|/work/shared\b|(?<![\w/.])shared/(?:STACK|DESIGN|MODEL_BRIEF|seeds)\b")


def _files():
    for name in FILES:
        if (ROOT / name).is_file():
            yield ROOT / name
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts:
                yield path


def test_nothing_cites_files_outside_the_repository():
    me = Path(__file__).resolve()
    hits = []
    for path in _files():
        if path.resolve() == me:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert hits == [], "cite docs/MODEL.md (its sections, its sources in §11) instead:\n" + "\n".join(hits)


def test_the_pattern_catches_what_it_is_for():
    for bad in ("MODEL_BRIEF §9", "../shared/MODEL_BRIEF.md", "see shared/STACK.md", "/work/shared/seeds/000.txt"):
        assert OUTSIDE.search(bad), bad
    for fine in ("docs/MODEL.md §11.1", "seed 001", "--out /shared/sweeps/sobol", "the shared folder"):
        assert not OUTSIDE.search(fine), fine


def test_the_sources_section_exists():
    model = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    assert "## 11. Sources" in model and "### 2.10 Glossary" in model
    for fact in range(1, 18):
        assert re.search(rf"^\| S{fact} \|", model, re.M), f"S{fact} missing from docs/MODEL.md §11.1"
