"""The strategist's CLI: every bad input exits with status 2 and one clear line, writing nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.builtin import builtin_scenarios
from sim.cli import app
from sim.study.scenario import load_scenario

runner = CliRunner()
GOOD = """\
name: tiny
base:
  population.agents: 300
  run.warmup_days: 5
arms:
  public_only: {brands.0.strategy: public_only}
  cultivate:
    brands.0.strategy: private_cultivate
replications: 2
days: 10
"""


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _bad(tmp_path: Path, text: str | None, *args: str, name: str = "s.yaml"):
    """Run `sim run` on a file and check status 2, no traceback and nothing written; return the message."""
    p = _write(tmp_path, text, name) if text is not None else tmp_path / name
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(p), "--out", str(out), "--workers", "1", *args])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
    assert not out.exists()
    assert not any(x.name.startswith(".out") for x in tmp_path.iterdir())
    return " ".join(res.output.split())


def test_missing_file(tmp_path):
    msg = _bad(tmp_path, None, name="nope.yaml")
    assert "nope.yaml" in msg and "file not found" in msg


def test_malformed_yaml_names_the_line(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("replications: 2", "replications: [2"))
    assert "s.yaml:10" in msg or "s.yaml:11" in msg
    assert "malformed YAML" in msg


def test_a_tag_that_would_build_a_python_object_is_refused(tmp_path):
    msg = _bad(tmp_path, GOOD + "extra: !!python/object/apply:os.system ['echo hacked']\n")
    assert "s.yaml:11" in msg and "refused" in msg


def test_unknown_key_with_suggestion_and_line(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("brands.0.strategy: private_cultivate", "fatigue.tolerence_mean: 4"))
    assert "s.yaml:8" in msg and "fatigue.tolerence_mean" in msg and "did you mean 'tolerance_mean'" in msg


def test_unknown_top_level_key(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("days: 10", "dayz: 10"))
    assert "s.yaml:10" in msg and "dayz" in msg and "did you mean 'days'" in msg


def test_wrong_type(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("population.agents: 300", "population.agents: lots"))
    assert "s.yaml:3" in msg and "population.agents" in msg


def test_nan_value(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("run.warmup_days: 5", "run.warmup_days: 5\n  ads.ctr: .nan"))
    assert "s.yaml:5" in msg and "ads.ctr" in msg and "finite" in msg


def test_out_of_range_value(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("brands.0.strategy: private_cultivate",
                                      "platforms.0.invalid_traffic_share: 1.5"))
    assert "s.yaml:8" in msg and "platforms.0.invalid_traffic_share" in msg and "less than 1" in msg


def test_unknown_strategy_in_an_arm(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("private_cultivate", "private_cultivat"))
    assert "s.yaml:8" in msg and "did you mean 'private_cultivate'" in msg


def test_no_arms(tmp_path):
    text = GOOD.split("arms:")[0] + "arms: {}\nreplications: 2\n"
    msg = _bad(tmp_path, text)
    assert "arms" in msg and "at least one arm" in msg


def test_reference_not_an_arm(tmp_path):
    msg = _bad(tmp_path, GOOD + "reference: public\n")
    assert "reference" in msg and "did you mean 'public_only'" in msg


def test_missing_graph_file(tmp_path):
    text = GOOD.replace("run.warmup_days: 5", "run.warmup_days: 5\n  graph.kind: edgelist\n  graph.path: missing.txt")
    msg = _bad(tmp_path, text)
    assert "missing.txt" in msg and "graph.path" in msg and "file not found" in msg


def test_malformed_graph_file_names_its_line(tmp_path):
    (tmp_path / "g.txt").write_text("# comment\n1 2\n2 3 4 5\n", encoding="utf-8")
    text = GOOD.replace("run.warmup_days: 5", "run.warmup_days: 5\n  graph.kind: edgelist\n  graph.path: g.txt")
    msg = _bad(tmp_path, text)
    assert "g.txt:3" in msg and "graph.path" in msg


def test_a_graph_file_beside_the_scenario_is_found_from_any_folder(tmp_path, monkeypatch):
    folder = tmp_path / "market"
    folder.mkdir()
    edges = "\n".join(f"{i} {(i + 1) % 120}" for i in range(120)) + "\n"
    (folder / "g.txt").write_text(edges, encoding="utf-8")
    text = GOOD.replace("population.agents: 300", "population.agents: 120").replace(
        "run.warmup_days: 5", "run.warmup_days: 5\n  graph.kind: edgelist\n  graph.path: g.txt")
    scenario = _write(folder, text)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    res = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "rep"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "rep" / "index.html").exists()


def test_population_too_large_for_memory_is_caught_before_allocating(tmp_path):
    msg = _bad(tmp_path, GOOD.replace("population.agents: 300", "population.agents: 50000000"))
    assert "s.yaml:3" in msg and "population.agents" in msg and "GiB" in msg


def test_bad_set_override(tmp_path):
    p = _write(tmp_path, GOOD)
    msg = _bad(tmp_path, GOOD, "--set", "fatigue.tolerance_mean=-3")
    assert "fatigue.tolerance_mean" in msg
    assert p.exists()


def test_exit_status_and_stderr_from_a_real_process(tmp_path):
    p = _write(tmp_path, GOOD.replace("days: 10", "days: -1"))
    r = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(p)], capture_output=True, text=True,
                       cwd=tmp_path, env={**os.environ, "COLUMNS": "200"})
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "days" in r.stderr and "s.yaml:10" in r.stderr
    assert not (tmp_path / "reports").exists()


def test_check_and_list_and_schema(tmp_path):
    p = _write(tmp_path, GOOD)
    res = runner.invoke(app, ["check", str(p)])
    assert res.exit_code == 0 and "2 arms" in res.output
    res = runner.invoke(app, ["list"])
    assert res.exit_code == 0
    for s in builtin_scenarios():
        assert s.stem in res.output
    res = runner.invoke(app, ["schema", "--out", str(tmp_path / "schema.json")])
    assert res.exit_code == 0
    import json

    schema = json.loads((tmp_path / "schema.json").read_text())
    assert "arms" in schema["properties"] and "MarketOverrides" in schema["$defs"]


def test_builtin_scenarios_are_valid_and_declare_their_question():
    files = builtin_scenarios()
    assert {f.stem for f in files} >= {"baseline", "rising_cac", "ad_fatigue", "group_saturation",
                                       "harvest_vs_cultivate", "alliances", "durables_vs_fmcg", "property_rights"}
    for f in files:
        head = f.read_text(encoding="utf-8").splitlines()
        assert head[0].startswith("# yaml-language-server: $schema=")
        assert any(line.startswith("# Question") for line in head[:6])
        assert any(line.startswith("# 问题") for line in head[:8])
        res = runner.invoke(app, ["check", str(f)])
        assert res.exit_code == 0, res.output


def test_committed_schema_is_up_to_date():
    import json

    from sim.schemas import KINDS, schema, schema_path

    for kind in KINDS:  # every format's committed schema is what `sim schema --kind KIND` prints
        committed = json.loads(schema_path(kind).read_text(encoding="utf-8"))
        assert committed == json.loads(json.dumps(schema(kind))), f"schema/{kind}.schema.json is out of date"


@pytest.mark.parametrize("kind, key", [("scenario", "arms"), ("experiment", "parameters"), ("explain", "knobs"),
                                       ("calibration", "targets"), ("optimization", "decisions")])
def test_schema_of_every_kind(kind, key):
    import json

    res = runner.invoke(app, ["schema", "--kind", kind])
    assert res.exit_code == 0
    schema = json.loads(res.output)
    assert key in schema["properties"] and key in schema["required"] and "MarketOverrides" in schema["$defs"]


def test_schema_of_an_unknown_kind_exits_2(tmp_path):
    res = runner.invoke(app, ["schema", "--kind", "scenarios", "--out", str(tmp_path / "s.json")])
    assert res.exit_code == 2 and "--kind: unknown kind 'scenarios'" in res.output
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_small_run_writes_a_complete_report(tmp_path, lang):
    p = _write(tmp_path, GOOD)
    out = tmp_path / "rep"
    res = runner.invoke(app, ["run", str(p), "--out", str(out), "--workers", "1", "--lang", lang])
    assert res.exit_code == 0, res.output
    for name in ("index.html", "plotly.min.js", "summary.csv", "kpis.csv", "provenance.json", "config/base.yaml",
                 "config/cultivate.yaml", "runs/public_only_rep0.parquet", "runs/cultivate_rep1.parquet"):
        assert (out / name).exists(), name
    page = (out / "index.html").read_text(encoding="utf-8")
    import re

    sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources == ["plotly.min.js"]  # the only external file, shipped beside the page
    assert "cdn.plot.ly" not in page
    if lang == "zh":
        assert "结论摘要" in page and "获客成本" in page
    else:
        assert "Executive summary" in page


def test_bench_json_reports_every_figure_from_real_runs():
    """`sim bench --json --quick` runs engine and reference in child processes; its last line is the JSON."""
    import json

    res = runner.invoke(app, ["bench", "--json", "--quick"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert all("error" not in r for r in out["runs"]), out["runs"]
    runs = {(r["kind"], r["agents"], r["days"], r.get("threads", 1)): r for r in out["runs"]}
    # each figure is what its run measured (consumer-days over the seconds the run spent in the update)
    eng, ref = runs[("engine", 2000, 30, 1)], runs[("reference", 2000, 2, 1)]
    assert out["engine_consumer_days_per_s"] == pytest.approx(2000 * 30 / eng["consumer_seconds"])
    assert out["reference_consumer_days_per_s"] == pytest.approx(2000 * 2 / ref["consumer_seconds"])
    assert out["ratio"] == pytest.approx(out["engine_consumer_days_per_s"] / out["reference_consumer_days_per_s"])
    assert 0 < eng["consumer_seconds"] < eng["seconds"]  # the update is part of the day, not all of it
    assert out["n100k_peak_rss_mb"] > 0 and out["n100k_seconds_per_day"] > 0
    one, two = runs[("engine", 20_000, 30, 1)], runs[("engine", 20_000, 30, 2)]  # the kernels on 1 and 2 threads
    assert out["thread_speedup_2"] == pytest.approx(one["seconds"] / two["seconds"])  # --quick: one pair
    assert out["thread_speedup_2_pairs"] == [pytest.approx(one["seconds"] / two["seconds"])]
    assert out["n20k_30d_seconds"] == one["seconds"] and out["n20k_30d_seconds_2_threads"] == two["seconds"]
    passes = runs[("passes", 20_000, 5, 1)]
    assert out["state_passes_per_day"] == pytest.approx(passes["seconds_per_day"] / passes["seconds_per_pass"])
    assert passes["columns"] == 18 and out["state_passes_per_day"] > 1  # the 18 (N, B) columns of ConsumerState


def test_an_edge_list_sets_the_population_unless_the_file_gives_another(tmp_path):
    edges = "\n".join(f"{i} {(i + 1) % 120}" for i in range(120)) + "\n"
    (tmp_path / "g.txt").write_text(edges, encoding="utf-8")
    on_graph = "  graph.kind: edgelist\n  graph.path: g.txt\n"
    untold = GOOD.replace("  population.agents: 300\n", on_graph)
    sc = load_scenario(_write(tmp_path, untold))
    assert sc.base.population.agents == 120 and all(a.population.agents == 120 for a in sc.arms.values())
    agreeing = GOOD.replace("  population.agents: 300\n", "  population.agents: 120\n" + on_graph)
    assert load_scenario(_write(tmp_path, agreeing)).base.population.agents == 120
    msg = _bad(tmp_path, GOOD.replace("  population.agents: 300\n", "  population.agents: 300\n" + on_graph))
    assert "120 nodes" in msg and "population.agents is 300" in msg and "s.yaml:3" in msg


@pytest.mark.slow
def test_demo_runs_the_baseline_report_alone(tmp_path):
    """`sim demo` is `sim run baseline`: no counterfactual runs, no sensitivity, no export unless asked."""
    out = tmp_path / "demo"
    res = runner.invoke(app, ["demo", "--quick", "--workers", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "index.html").exists() and (out / "kpis.csv").exists()
    assert not (out / "sensitivity.csv").exists() and not (out / "incrementality.csv").exists()
    assert not (out / "export").exists()


def test_bench_takes_the_thread_speedup_as_the_median_of_interleaved_pairs(monkeypatch):
    """At full size the years on 1 and 2 threads alternate (1, 2, 1, 2, ...); each figure is a median."""
    from sim import bench

    calls, years = [], iter([30.0, 20.0, 33.0, 30.0, 29.0, 18.0])  # pair ratios 1.5, 1.1, 1.61

    def fake_child(kind, agents, days, threads=1):
        calls.append((kind, agents, threads))
        r = {"kind": kind, "agents": agents, "days": days, "threads": threads, "seconds": 1.0,
             "consumer_seconds": 0.5, "consumer_days_per_s": 1.0, "peak_rss_mb": 1.0}
        if kind == "passes":
            return {**r, "seconds_per_day": 1.0, "seconds_per_pass": 0.1, "state_passes_per_day": 10.0, "columns": 18,
                    "state_mb": 1.0}
        return {**r, "seconds": next(years)} if agents == 100_000 else r

    monkeypatch.setattr(bench, "_child", fake_child)
    out = bench.run_bench(quick=False, echo=lambda _: None)
    assert [t for k, n, t in calls if n == 100_000 and k == "engine"] == [1, 2] * bench.THREAD_PAIRS
    assert out["thread_speedup_2_pairs"] == pytest.approx([1.5, 1.1, 29 / 18])
    assert out["thread_speedup_2"] == pytest.approx(1.5)
    assert out["n100k_365d_seconds"] == 30.0 and out["n100k_365d_seconds_2_threads"] == 20.0
