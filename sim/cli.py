"""Command line: ``sim demo`` runs the baseline market and prints its summary table.

(The scenario workflow — ``sim run FILE`` with comparative reports — is issue 2/6.)
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, help="Public vs private traffic simulation (公域 vs 私域流量).")
console = Console(width=160)  # wide enough for the summary table when output is piped

SUMMARY_COLUMNS = [
    ("brand", "brand", "{}"), ("strategy", "strategy", "{}"), ("cac_public", "CAC", "{:.0f}"),
    ("pool_members_tier1", "tier 1", "{:.0f}"), ("pool_members_tier2", "tier 2", "{:.0f}"),
    ("pool_members_tier3", "tier 3", "{:.0f}"), ("repurchase_rate_365", "repurchase", "{:.0%}"),
    ("profit_share_existing", "profit existing", "{:.0%}"), ("profit", "profit (RMB)", "{:,.0f}"),
]


def _fmt(fmt: str, v: object) -> str:
    try:
        if v != v:  # NaN
            return "–"
        return fmt.format(v)
    except (TypeError, ValueError):
        return str(v)


@app.command()
def demo(out: Path = typer.Option(Path("reports/demo"), help="Output folder"),
         seed: int = typer.Option(1, help="Random seed"),
         days: int = typer.Option(365, help="Reported days")) -> None:
    """Run the default market for a year and print each brand's CAC, pool tiers, repurchase and profit."""
    import sim

    t0 = time.perf_counter()
    res = sim.run(sim.default_config(), seed=seed, days=days)
    elapsed = time.perf_counter() - t0
    table = Table(title=f"Baseline market: {days} days, seed {seed} ({elapsed:.1f} s)")
    for _, label, _ in SUMMARY_COLUMNS:
        table.add_column(label, justify="left" if label in ("brand", "strategy") else "right")
    for _, row in res.summary.iterrows():
        table.add_row(*[_fmt(f, row[k]) for k, _, f in SUMMARY_COLUMNS])
    console.print(table)
    # write atomically: a temporary folder beside the target, then rename into place
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    res.summary.to_csv(tmp / "summary.csv", index=False)
    res.daily.to_parquet(tmp / "daily.parquet", index=False)
    res.ledger.to_parquet(tmp / "ledger.parquet", index=False)
    (tmp / "config.json").write_text(res.config.model_dump_json(indent=2), encoding="utf-8")
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        _rmtree(old)
    else:
        tmp.rename(out)
    console.print(f"Output: {out.resolve()}")


def _rmtree(p: Path) -> None:
    import shutil

    shutil.rmtree(p, ignore_errors=True)


@app.command()
def version() -> None:
    """Print the package version."""
    import sim

    console.print(sim.__version__)


if __name__ == "__main__":
    app()
