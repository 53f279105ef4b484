"""A user's mistakes: :class:`UserError` (refused: the CLI exits with status 2) and :class:`FileWarning`
(reported, not refused), each one line naming the file, the key and the line."""

from __future__ import annotations

import os
import warnings


def one_line(text: str) -> str:
    """``text`` with every unprintable character escaped (a key or value from a file may hold a newline, a
    carriage return or U+2028), so that a message stays one line and sends no control codes to a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class UserError(Exception):
    """A user's mistake: exits with status 2 and a one-line message naming file, key and line."""

    def __init__(self, file: str | os.PathLike | None, message: str, key: str | None = None,
                 line: int | None = None):
        self.file, self.key, self.line, self.message = (str(file) if file else None), key, line, message
        where = self.file or ""
        if line is not None:
            where += f":{line}"
        parts = [p for p in (where, key) if p]
        super().__init__(one_line(": ".join(parts + [message])))


class FileWarning(UserWarning):
    """Something a user rarely means (a unit cost at or above the price, a decision that also moves other
    brands): reported on one line naming file, key and line, like :class:`UserError`, but not refused."""


def warn_file(file: str | os.PathLike | None, message: str, key: str | None = None, line: int | None = None) -> None:
    warnings.warn(FileWarning(str(UserError(file, message, key=key, line=line))), stacklevel=2)
