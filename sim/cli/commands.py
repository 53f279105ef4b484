"""The main commands of ``sim``: run, check, list, schema, demo, validate, bench, sweep, analyze, explain, viz
and version. Each parses its options and calls the library; the work is in :mod:`sim.study`, :mod:`sim.sweeps`,
:mod:`sim.validate` and :mod:`sim.teach`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.progress import Progress, TextColumn
from rich.table import Table

from ..builtin import EXPERIMENT_DIR, find_file, resolve_file
from ..config import ConfigError
from ..executor import default_workers
from ..files.errors import UserError
from ..graph import GraphFileError
from ..schemas import KINDS
from .common import PROGRESS_COLUMNS, app, check_lang, console, err_console, exit_if_interrupted, fail


@app.command()
def run(file: str = typer.Argument(..., help="Scenario file, or the name of a built-in scenario"),
        out: Path | None = typer.Option(None, help="Output folder (default reports/<scenario>)"),
        lang: str | None = typer.Option(None, help="Report language: en or zh"),
        set_: list[str] = typer.Option([], "--set", help="Override a parameter: key.path=value (repeatable)"),
        replications: int | None = typer.Option(None, min=1, help="Replications per arm"),
        workers: int = typer.Option(0, min=0, help="Worker processes (0: one per core)"),
        quick: bool = typer.Option(False, "--quick", help="Fewer agents (larger scale) and replications"),
        export: bool = typer.Option(False, "--export", help="Also write each run's transactions and daily "
                                    "marketing-mix table (Parquet and CSV) under export/ (docs/METRICS.md §4b)"),
        incrementality: bool = typer.Option(False, "--incrementality", help="Also measure what each channel of "
                                            "the focal brand truly earns: the same runs with it switched off"),
        sensitivity: bool = typer.Option(False, "--sensitivity", help="Also find what flips the verdict: each "
                                         "uncertain parameter moved alone across its range (the file's "
                                         "sensitivity block, or the plausible ranges)")
        ) -> None:
    """Run every arm of a scenario and write the comparative report."""
    from ..files.reading import parse_set
    from ..study.report import write_report
    from ..study.scenario import load_scenario
    from ..study.study import StudyProgress, check_study, default_folder, planned_runs, run_study

    try:
        sc = load_scenario(resolve_file(file), overrides=parse_set(set_), quick=quick, replications=replications)
        check_lang(lang)
        check_study(sc, sensitivity)
    except (UserError, ConfigError, GraphFileError) as exc:
        fail(exc)
        return
    try:
        with Progress(*PROGRESS_COLUMNS, console=err_console, transient=False) as bars:
            runs = bars.add_task(f"{sc.name}: runs", total=planned_runs(sc, export, incrementality))
            more = []  # the sensitivity analysis's bar, from when it starts

            def more_runs(n: int) -> None:
                bars.update(more[0], total=bars.tasks[more[0]].total + n)

            study = run_study(sc, workers, export, incrementality, sensitivity, StudyProgress(
                run=lambda r: bars.advance(runs),
                sensitivity_start=lambda: more.append(bars.add_task(f"{sc.name}: sensitivity", total=0)),
                sensitivity_run=lambda r: bars.advance(more[0]), sensitivity_round=more_runs))
        path = write_report(sc, study.results, out or default_folder(sc), lang or sc.lang, study.seconds,
                            truths=study.truths, sensitivity=study.sensitivity)
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc, "interrupted: no report written")
    console.print(f"Report: {(path / 'index.html').resolve()}")


@app.command()
def check(file: str = typer.Argument(..., help="A scenario, experiment, explainer, calibration or optimisation file "
                                     "(or the name of a built-in one)"),
          set_: list[str] = typer.Option([], "--set", help="Override a parameter: key.path=value (scenario files)")
          ) -> None:
    """Validate a file of any kind without running it (the kind is told from its keys)."""
    from ..files.reading import parse_set
    from ..schemas import check_file

    try:
        _, line = check_file(find_file(file), parse_set(set_))
    except (UserError, ConfigError, GraphFileError) as exc:
        fail(exc)
    console.print(line, markup=False, soft_wrap=True)


@app.command("list")
def list_() -> None:
    """Built-in scenarios and the question each answers."""
    from ..study.scenario import builtin_questions

    table = Table(title="Built-in scenarios (sim run NAME)")
    table.add_column("name")
    table.add_column("question")
    table.add_column("问题")
    for name, q in builtin_questions():
        table.add_row(name, q.get("en", ""), q.get("zh", ""))
    console.print(table)


@app.command()
def schema(kind: str = typer.Option("scenario", help=f"Kind of file: {', '.join(KINDS)}"),
           out: Path | None = typer.Option(None, help="Write to this file (default: print)")) -> None:
    """JSON Schema of a kind of file, for editors (VS Code YAML) to complete and validate."""
    from ..schemas import schema_text

    try:
        text = schema_text(kind)
    except UserError as exc:
        fail(exc)
        return
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        console.print(f"Schema: {out}")
    else:
        sys.stdout.write(text)


@app.command()
def demo(out: Path = typer.Option(Path("reports/baseline"), help="Output folder"),
         workers: int = typer.Option(0, min=0, help="Worker processes (0: one per core)"),
         quick: bool = typer.Option(False, "--quick", help="Fewer agents and replications")) -> None:
    """Run the built-in baseline scenario and print where its report is."""
    # every option given: typer's defaults are option objects, which would count as true
    run(file="baseline", out=out, lang=None, set_=[], replications=None, workers=workers, quick=quick, export=False,
        incrementality=False, sensitivity=False)


@app.command()
def validate(quick: bool = typer.Option(False, "--quick", help="Reduced size (fewer agents and replications)"),
             out: Path = typer.Option(Path("reports/validation"), help="Output folder"),
             only: list[str] = typer.Option([], "--only", help="Run only these facts (e.g. --only F6)"),
             set_: list[str] = typer.Option([], "--set", help="Override a parameter in every run, e.g. an "
                                            "ablation: --set fatigue.enabled=false (repeatable)"),
             workers: int = typer.Option(0, min=0, help="Worker processes (0: one per core)")) -> None:
    """Check the stylized facts F1–F13; exit status 0 only if all pass."""
    from ..files.reading import parse_set
    from ..validate.facts import selected_facts
    from ..validate.facts import validate as run_facts
    from ..validate.report import write_validation_report

    try:
        overrides = parse_set(set_)
        facts = selected_facts(only, overrides)  # a bad fact, key or value fails here, before any run
    except (UserError, ConfigError) as exc:
        fail(exc)
        return
    t0 = time.perf_counter()

    def show(r) -> None:
        err_console.print(f"{r.fact} {r.title}: {'pass' if r.passed else 'FAIL'}")

    try:
        results = run_facts(quick=quick, workers=default_workers(workers), only=facts, progress=show,
                            overrides=overrides or None)
        write_validation_report(results, out, time.perf_counter() - t0, overrides or None)
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc, "interrupted: no report written")
    n_pass = sum(r.passed for r in results)
    console.print(f"{n_pass} of {len(results)} facts pass. Report: {(out / 'index.html').resolve()}")
    if n_pass < len(results):
        raise typer.Exit(1)


@app.command()
def bench(json_: bool = typer.Option(False, "--json", help="End with one line of JSON holding every figure"),
          quick: bool = typer.Option(False, "--quick", help="Small sizes: a smoke run, not the published figures"),
          ) -> None:
    """Time the engine against the per-agent reference, then alone at 100,000 and 1,000,000 consumers."""
    import json

    from ..bench import run_bench

    try:
        result = run_bench(quick=quick, echo=lambda line: console.print(line, highlight=False))
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc)
    if json_:
        print(json.dumps(result, separators=(",", ":")))


@app.command()
def sweep(file: str = typer.Argument(..., help="Experiment file, or the name of a built-in experiment"),
          out: Path | None = typer.Option(None, help="Sweep folder (default: the file's out, or reports/sweeps/NAME)"),
          workers: int = typer.Option(0, min=0, help="Local worker processes (0: one per core)"),
          scheduler: str | None = typer.Option(None, help="Dask scheduler address, tcp://HOST:PORT (instead of "
                                               "local workers)"),
          resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip runs already in the folder "
                                      "(--no-resume deletes its results first)"),
          max_runs: int | None = typer.Option(None, min=1, help="Run at most this many of the pending runs"),
          quick: bool = typer.Option(False, "--quick", help="Fewer agents (larger scale), samples and replications"),
          ) -> None:
    """Run a parameter sweep; finished runs are kept, so an interrupted sweep resumes where it stopped."""
    from ..sweeps.experiment import load_experiment
    from ..sweeps.sweep import run_sweep

    if scheduler is not None and workers:
        fail(UserError(None, "give either --workers or --scheduler, not both", key="--scheduler"))
    try:
        exp = load_experiment(resolve_file(file, EXPERIMENT_DIR), quick=quick, out=out)
    except (UserError, ConfigError, GraphFileError) as exc:
        fail(exc)
        return
    columns = (*PROGRESS_COLUMNS, TextColumn("{task.fields[failed]}"))
    try:
        with Progress(*columns, console=err_console, transient=False) as progress:
            task = progress.add_task(f"{exp.name}: runs", total=None, failed="")
            n_failed = [0]

            def show(done: int, total: int, status: dict) -> None:
                n_failed[0] += not status["ok"]  # (the first call, before any run, reports what was there)
                progress.update(task, completed=done, total=total,
                                failed=f"[red]{n_failed[0]} failed" if n_failed[0] else "")
            result = run_sweep(exp, workers=workers or None, scheduler=scheduler, resume=resume,
                               max_runs=max_runs, progress=show)
    except UserError as exc:
        fail(exc)
        return
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc, "interrupted: finished runs are kept; run the same command again to resume")
    console.print(f"{result.out}: {result.done} runs done, {result.skipped} already there, {result.failed} failed, "
                  f"{result.remaining} left (of {result.total}) in {result.seconds:.1f} s")
    if result.failed:
        console.print(f"failed runs are recorded in {result.out / 'errors'} and are retried on resume")
        raise typer.Exit(1)


@app.command()
def analyze(folder: Path = typer.Argument(..., help="Sweep folder (written by sim sweep)"),
            out: Path | None = typer.Option(None, help="Report folder (default: FOLDER/report)"),
            lang: str = typer.Option("en", help="Report language: en or zh")) -> None:
    """Write a sweep report: main effects, a heatmap, sensitivity indices and the crossover frontier."""
    from ..sweeps.analyze import write_sweep_report

    try:
        check_lang(lang)
        path = write_sweep_report(folder, out or folder / "report", lang)
    except UserError as exc:
        fail(exc)
        return
    console.print(f"Report: {(path / 'index.html').resolve()}")


@app.command()
def explain(file: str | None = typer.Argument(None, help="Explainer file (default: scenarios/explain/"
                                               "competition.yaml, number of brands × share running pools)"),
            out: Path = typer.Option(Path("reports/explain.html"), help="The page to write"),
            lang: str = typer.Option("en", help="Page language: en or zh"),
            workers: int = typer.Option(0, min=0, help="Worker processes (0: one per core)"),
            quick: bool = typer.Option(False, "--quick", help="Fewer agents (larger scale)")) -> None:
    """Write one standalone interactive page (offline) that scrubs through one or two knobs."""
    from ..teach.explain import explainer_file, load_explainer, write_page

    try:
        check_lang(lang)
        src = explainer_file(file)
        _, _, settings = load_explainer(src, quick=quick)
    except (UserError, ConfigError) as exc:
        fail(exc)
        return
    try:
        with Progress(*PROGRESS_COLUMNS, console=err_console, transient=False) as progress:
            task = progress.add_task(f"{src.stem}: runs", total=len(settings))
            path = write_page(src, out, lang, quick=quick, workers=default_workers(workers),
                              progress=lambda r: progress.advance(task))
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc, "interrupted: no page written")
    console.print(f"Page: {path.resolve()}")


@app.command()
def viz(file: str | None = typer.Argument(None, help="Scenario file whose base market starts the app (default: "
                                          "the default market)"),
        host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)"),
        port: int = typer.Option(8765, min=1, max=65535, help="Port"),
        lang: str = typer.Option("en", help="Labels: en or zh")) -> None:
    """Launch the live app (Mesa SolaraViz) in the browser: sliders, play / step / reset, live charts."""
    import subprocess

    from ..teach.launch import app_command

    try:
        check_lang(lang)
        cmd, env = app_command(resolve_file(file) if file else None, host, port, lang)
    except (UserError, ConfigError, GraphFileError) as exc:
        fail(exc)
        return
    console.print(f"Open http://{host}:{port}/  (Ctrl-C stops the app)")
    try:
        raise typer.Exit(subprocess.call(cmd, env=env))
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc)


@app.command()
def version() -> None:
    """Print the package version."""
    from ..version import __version__

    console.print(__version__)
