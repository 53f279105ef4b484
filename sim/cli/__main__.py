"""``python -m sim.cli``: the same commands as ``sim``."""

from sim.cli import app

if __name__ == "__main__":  # (not when a spawned worker process imports this module as its main)
    app()
