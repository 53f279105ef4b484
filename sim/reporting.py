"""What every report shares (scenario reports, sweep reports, validation, the explainer's page, calibration
and optimisation): the mean and its confidence interval, and the pages' style and provenance."""

from __future__ import annotations

import html
import math
import subprocess
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy import stats

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


# ------------------------------------------------------------------------------ statistics


def mean_ci(values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval; NaNs dropped; (nan, nan, nan) if empty."""
    v = np.asarray([x for x in values if x is not None and not (isinstance(x, float) and math.isnan(x))], float)
    if v.size == 0:
        return (math.nan, math.nan, math.nan)
    m = float(v.mean())
    if v.size < 2:
        return (m, math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return (m, m - half, m + half)


# ------------------------------------------------------------------------------ pages


CSS = """body{font-family:-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;max-width:1200px;
margin:2em auto;padding:0 1em;color:#222}h1{margin-bottom:.2em}table{border-collapse:collapse;margin:1em 0;
font-size:.92em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right}th:first-child,td:first-child{
text-align:left}.summary{background:#f6f8fa;border-left:4px solid #1f77b4;padding:.6em 1em}.caption{color:#555;
font-size:.9em}.chart{margin:1.5em 0}"""


def page_head(title: str, lang: str, script: str = '<script src="plotly.min.js"></script>') -> list[str]:
    """The first lines of every offline page: language, title, the shared style and plotly.js (beside the
    page by default; pass an inline <script> for a single-file page)."""
    return [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
            f"<title>{html.escape(title)}</title><style>{CSS}</style>", f"{script}</head><body>"]


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None
