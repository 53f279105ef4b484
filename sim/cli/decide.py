"""The decision commands of ``sim``: calibrate and optimize (parsing and reporting only; the work is in
:mod:`sim.decide`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, TextColumn

from ..builtin import EXPERIMENT_DIR, resolve_file
from ..config import ConfigError
from ..files.errors import UserError
from ..graph import GraphFileError
from .common import PROGRESS_COLUMNS, app, check_lang, console, err_console, exit_if_interrupted, fail


def _study_progress(label: str):
    """A rich progress bar over simulation runs for calibrate / optimize (total = budget_runs)."""
    columns = (*PROGRESS_COLUMNS, TextColumn("{task.fields[stage]}"))
    progress = Progress(*columns, console=err_console, transient=False)
    task = progress.add_task(f"{label}: runs", total=None, stage="")

    def show(event: dict) -> None:
        progress.update(task, completed=event["runs"], total=event["total"], stage=event.get("stage", ""))

    return progress, show


def _decision_command(kind: str, file: str, out: Path | None, workers: int, scheduler: str | None, quick: bool,
                      resume: bool, lang: str, **extra) -> None:
    """Shared body of sim calibrate and sim optimize: parse, call the library, report."""
    if scheduler is not None and workers:
        fail(UserError(None, "give either --workers or --scheduler, not both", key="--scheduler"))
    path = resolve_file(file, EXPERIMENT_DIR)
    try:
        check_lang(lang)
        if kind == "calibration":
            from ..decide.calibrate import calibrate as call
        else:
            from ..decide.optimize import optimize as call
        progress, show = _study_progress(path.stem)
        with progress:
            result = call(path, out=out, workers=workers or None, scheduler=scheduler, quick=quick, resume=resume,
                          progress=show, lang=lang, **extra)
    except (UserError, ConfigError, GraphFileError) as exc:
        fail(exc)
        return
    except (KeyboardInterrupt, SystemError) as exc:
        exit_if_interrupted(exc, "interrupted: finished runs are kept; run the same command again to resume")
    return result


def _runs(s: dict) -> str:
    """How many runs the study holds, and how fast this invocation ran its new ones."""
    reused = s["runs"] - s["runs_new"]
    done = f"{s['runs']} runs" + (f" ({reused} re-used from the folder)" if reused else "")
    return done + f" in {s['seconds']:.0f} s" + (f" ({s['runs_per_second']:.2f} runs/s)" if s["runs_new"] else "")


@app.command()
def calibrate(file: str = typer.Argument(..., help="Calibration file, or the name of a built-in one"),
              out: Path | None = typer.Option(None, help="Study folder (default: the file's out, or "
                                              "reports/calibrations/NAME)"),
              workers: int = typer.Option(0, min=0, help="Local worker processes (0: one per core)"),
              scheduler: str | None = typer.Option(None, help="Dask scheduler address, tcp://HOST:PORT"),
              quick: bool = typer.Option(False, "--quick", help="Fewer agents (larger scale) and the quick budget"),
              resume: bool = typer.Option(True, "--resume/--no-resume", help="Reuse the folder's finished runs "
                                          "(--no-resume starts again)"),
              lang: str = typer.Option("en", help="Report language: en or zh")) -> None:
    """Fit the market's unknowns to a brand's own figures (ABC-SMC); writes a calibrated scenario."""
    r = _decision_command("calibration", file, out, workers, scheduler, quick, resume, lang)
    s = r.summary
    for p, iv in s["intervals"].items():
        console.print(f"  {p}: {iv['median']:.4g}  90% [{iv['lo']:.4g}, {iv['hi']:.4g}]  (prior {iv['prior_low']:g}"
                      f"–{iv['prior_high']:g})", highlight=False)
    from ..decide.calibrated import warning_text

    for w in s["warnings"]:
        err_console.print("[bold yellow]warning:[/] " + escape(warning_text(w, r.fit, lang)), highlight=False,
                          soft_wrap=True)
    console.print(f"{_runs(s)}, epsilon "
                  f"{s['epsilon']:.3g}. Report: {(r.out / 'index.html').resolve()}")
    console.print(f"Calibrated scenario: {(r.out / 'calibrated.yaml').resolve()}")


@app.command()
def optimize(file: str = typer.Argument(..., help="Optimisation file, or the name of a built-in one"),
             out: Path | None = typer.Option(None, help="Study folder (default: the file's out, or "
                                             "reports/optimizations/NAME)"),
             workers: int = typer.Option(0, min=0, help="Local worker processes (0: one per core)"),
             scheduler: str | None = typer.Option(None, help="Dask scheduler address, tcp://HOST:PORT"),
             quick: bool = typer.Option(False, "--quick", help="Fewer agents (larger scale) and the quick budget"),
             resume: bool = typer.Option(True, "--resume/--no-resume", help="Reuse the folder's finished runs "
                                         "(--no-resume starts again)"),
             base: str | None = typer.Option(None, help="Another base scenario (e.g. a calibrated.yaml) instead "
                                             "of the file's"),
             lang: str = typer.Option("en", help="Report language: en or zh")) -> None:
    """Search the brand's best strategy under its bounds, paired with what it does today (Optuna)."""
    r = _decision_command("optimization", file, out, workers, scheduler, quick, resume, lang, base=base)
    res = r.result
    g = res["gain"]
    best = ", ".join(f"{k} = {v}" for k, v in res["best"].items())
    console.print(f"best: {best}", highlight=False)
    console.print(f"gain on {len(res['fresh_seeds']['replications'])} fresh seeds: {g['mean']:,.4g} "
                  f"[{g['lo']:,.4g}, {g['hi']:,.4g}] ({res['objective']['metric']}, 95% CI)", highlight=False)
    console.print(f"{_runs(res)}. "
                  f"Report: {(r.out / 'index.html').resolve()}")
    console.print(f"Scenario of today vs best: {(r.out / 'best.yaml').resolve()}")

