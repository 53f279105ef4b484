"""run_jobs: arms that are the same market run once, and each gets its own copy of the outputs."""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys

import pandas as pd
import pytest

from sim.executor import Executor
from sim.study.runs import run_scenario
from sim.study.scenario import load_scenario

TWINS = """\
name: twins
base: {population.agents: 300, run.warmup_days: 5}
arms:
  public: {brands.0.strategy: public_only}
  public_again: {brands.0.strategy: public_only}
  hybrid: {brands.0.strategy: hybrid}
replications: 2
days: 15
"""


class CountingExecutor(Executor):
    """This process's executor, counting the tasks it is given."""

    tasks = 0

    def results(self, fn, tasks, progress=None):
        self.tasks += len(tasks)
        return super().results(fn, tasks, progress)


def test_an_arm_equal_to_another_runs_once_and_gets_its_own_equal_outputs(tmp_path):
    f = tmp_path / "twins.yaml"
    f.write_text(TWINS, encoding="utf-8")
    sc = load_scenario(f)
    seen = []
    with CountingExecutor(workers=1) as ex:
        results = run_scenario(sc, executor=ex, progress=seen.append)
    assert ex.tasks == 4  # 2 distinct markets × 2 replications, not 3 × 2
    assert len(seen) == 6 and sorted({r.arm for r in seen}) == ["hybrid", "public", "public_again"]
    for a, b in zip(results["public"], results["public_again"], strict=True):
        assert (a.replication, b.arm) == (b.replication, "public_again")
        pd.testing.assert_frame_equal(a.daily, b.daily)
        assert a.daily is not b.daily  # a caller that edits one arm's table leaves the other alone
    assert not results["public"][0].daily.equals(results["hybrid"][0].daily)


POOL_THREADS = """
import numba
from sim.executor import Executor

if __name__ == "__main__":
    with Executor(workers=2) as ex:
        print(numba.get_num_threads(), *ex.results(numba.get_num_threads, [(), ()]))
"""


POOL_START = """
import multiprocessing as mp
import os
import sys

from sim.executor import Executor


def probe():
    return int("scipy.stats" in sys.modules), os.getppid()


if __name__ == "__main__":
    import scipy.stats  # noqa: F401  (the driver has it too: a fork of this process would as well)
    with Executor(workers=2) as ex:
        print(os.getpid(), *[x for r in ex.results(probe, [(), ()]) for x in r])
    os.mkdir("later")
    os.chdir("later")  # the fork server, started above, stays where it was
    with Executor(workers=2) as ex:
        print(*ex.results(os.getcwd, [(), ()]))
"""


@pytest.mark.skipif("forkserver" not in mp.get_all_start_methods(),
                    reason="no fork server on this platform (Windows): the executor spawns workers")
def test_pool_workers_are_forked_from_a_server_that_has_the_engine_loaded(tmp_path):
    """Workers come from multiprocessing's fork server, never from the driver (whose threads a fork would
    copy), and the server has already imported what a run needs (here scipy.stats, which neither the
    script nor ``import sim`` imports): a new pool does not pay seconds of imports per worker."""
    script = tmp_path / "pool_start.py"
    script.write_text(POOL_START)
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)
    ids, folders = res.stdout.splitlines()
    driver, *got = (int(x) for x in ids.split())
    assert got[0::2] == [1, 1], "the workers did not find the engine's imports loaded"
    assert driver not in got[1::2], "a worker was started by the driver itself"
    # tasks run in the driver's current folder, not the server's (multiprocessing hands each worker the
    # driver's folder as it starts): relative paths mean the same to both
    assert folders.split() == [str(tmp_path / "later")] * 2, folders


def test_pool_workers_share_the_cores_between_their_kernel_threads(tmp_path):
    """Two workers on this machine's cores run cores // 2 kernel threads each, not one per core each
    (oversubscribed OpenMP threads spin: a two-worker validation run took twice as long)."""
    script = tmp_path / "pool_threads.py"
    script.write_text(POOL_THREADS)
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_NUM_THREADS"}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, env=env,
                         cwd=tmp_path).stdout.split()
    cores = os.cpu_count() or 1
    assert [int(x) for x in out] == [cores, max(1, cores // 2), max(1, cores // 2)]
