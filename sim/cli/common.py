"""What every command of the CLI shares: the typer app, the consoles, one line for a user's mistake (and
for a :class:`~sim.files.FileWarning`), the language option and the progress bars' columns."""

from __future__ import annotations

import warnings

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ..files.errors import FileWarning, UserError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Public vs private traffic simulation (公域 vs 私域流量).")
console = Console(width=160)  # wide enough for tables when output is piped
err_console = Console(stderr=True, width=160)

# a bar over runs: what it counts, done of total, time so far and left
PROGRESS_COLUMNS = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("eta"), TimeRemainingColumn())


def fail(exc: Exception) -> None:
    """Report a user's mistake and exit with status 2."""
    # one line however long (no wrapping), and the user's text is never read as markup
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def exit_if_interrupted(exc: BaseException, message: str | None = None) -> None:
    """Exit with status 130 (and ``message``) where ``exc`` is Ctrl-C; re-raise anything else.

    Ctrl-C raises KeyboardInterrupt in whatever Python code runs next, and that can be a callback of a
    compiled (numba) kernel: boxing the arrays it returns unpickles their dtype in Python. numba then
    reports a SystemError whose cause is the KeyboardInterrupt, which is still the user's Ctrl-C.
    """
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, KeyboardInterrupt):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        raise exc
    if message:
        err_console.print(message)
    raise typer.Exit(130) from None


def check_lang(lang: str | None) -> None:
    """A report or page language: en or zh (None: the file's)."""
    if lang is not None and lang not in ("en", "zh"):
        raise UserError(None, f"unknown language {lang!r} (en or zh)", key="--lang")


_default_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001 - stdlib hook
    """A FileWarning is one line like an error (file, key, line), without Python's source location."""
    if issubclass(category, FileWarning):
        err_console.print(f"[bold yellow]warning:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


warnings.showwarning = _show_warning
