"""Command line ``sim``: run scenario files and write comparative reports.

    sim run FILE [--out DIR] [--lang en|zh] [--set key.path=value ...] [--replications N]
                 [--workers N] [--quick]
    sim check FILE        validate a scenario, experiment, explainer, calibration or optimisation file
    sim list              built-in scenarios and their questions
    sim schema [--kind K] JSON Schema of a kind of file (editor completion and validation)
    sim demo              the baseline scenario (what ``make demo`` runs)
    sim sweep FILE [--out DIR] [--workers N | --scheduler tcp://HOST:PORT] [--resume/--no-resume]
                   [--max-runs N] [--quick]      a parameter sweep (resumable)
    sim analyze DIR [--out DIR] [--lang en|zh]   the sweep's report
    sim explain [FILE] [--out page.html] [--lang en|zh] [--quick]   a standalone interactive page
    sim viz [FILE] [--host 127.0.0.1] [--port 8765] [--lang en|zh]   the live app in the browser
    sim calibrate FILE [--out DIR] [--workers N | --scheduler ADDR] [--quick]   fit the market to a brand's figures
    sim optimize FILE [--out DIR] [--workers N | --scheduler ADDR] [--quick] [--base SCENARIO]   its best strategy

A user error (bad file, bad value) exits with status 2 and one line naming the file, the key and
the line; nothing is written. Reports are written to a temporary folder and moved into place only
when complete; Ctrl-C leaves no partial report.

The commands only parse their options and call the library: :mod:`.common` holds the app and what the
commands share, :mod:`.commands` the main commands and :mod:`.decide` calibrate and optimize.
"""

from . import commands, decide  # noqa: F401 - each registers its commands on the app
from .common import app

__all__ = ["app"]
