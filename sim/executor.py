"""One executor for every workflow: this process, a local process pool, or a Dask cluster.

Scenarios, sweeps, validation, the explainer, calibration and optimisation hand it a top-level
function and a list of argument tuples; results come back as they finish, tagged with the
task's index, so that callers can put them in a fixed order (outputs never depend on the
number of workers or on which finishes first).

* ``workers <= 1`` and no scheduler: tasks run here, in order (no pickling, easiest to debug).
* ``workers > 1``: a process pool whose workers are never forked from this process (whose numba
  OpenMP threads a fork cannot copy): ``forkserver`` where the platform has it, ``spawn`` elsewhere
  (Windows). The fork server imports the run path once (``PRELOAD``), so a worker no longer spends
  about 3 s importing pandas, Mesa, numba and scipy; it still loads the compiled kernels from
  numba's cache (about 1 s). Workflows that start many small pools (facts, tests) gained most.
  A worker that dies (killed, out of memory) breaks the pool; a new pool reruns the tasks that
  had not reported. Each worker's compiled kernels get an equal share of the cores: a pool of
  two on two cores running two kernel threads each took twice as long (numba's OpenMP threads
  spin while they wait), and results do not depend on the thread count. Scripts that use it
  need the usual ``if __name__ == "__main__":`` guard.
* ``scheduler``: a Dask scheduler address (``tcp://host:port``) or a ``distributed.Client``;
  the scheduler reruns a dead worker's tasks elsewhere (docs/CLUSTER.md).

At most ``2 × workers`` tasks are in flight, so the driver's memory stays flat however many
tasks there are. The pool lives as long as the executor (``with Executor(...) as ex``), so
workflows that submit many small rounds (calibration generations, optimisation batches) pay
for starting workers once.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .files.errors import UserError

POOL_RESTARTS = 4


def connect(scheduler: Any) -> Any:
    """A ``distributed.Client`` for an address (or the client given); a clear error if unreachable."""
    from distributed import Client

    if isinstance(scheduler, Client):
        return scheduler
    try:
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(None, f"cannot reach a Dask scheduler at {scheduler} ({exc.__class__.__name__})",
                        key="--scheduler") from None


class Executor:
    """Runs ``fn(*args)`` for each task, here, over local processes, or on a Dask cluster."""

    def __init__(self, workers: int | None = None, scheduler: Any = None):
        if scheduler is not None and workers not in (None, 0):
            raise UserError(None, "give either --workers or --scheduler, not both", key="--scheduler")
        self.client = connect(scheduler) if scheduler is not None else None
        self._own_client = self.client is not None and self.client is not scheduler
        self.workers = (max(1, len(self.client.scheduler_info().get("workers", {}))) if self.client is not None
                        else max(1, workers or os.cpu_count() or 1))
        self._pool: ProcessPoolExecutor | None = None

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._own_client:
            self.client.close()
            self._own_client = False

    @property
    def kind(self) -> str:
        return "dask" if self.client is not None else ("local" if self.workers > 1 else "serial")

    # ------------------------------------------------------------------ running
    def map(self, fn: Callable[..., Any], tasks: Sequence[tuple], on_result: Callable[[int, Any], None],
            workers: int | None = None) -> None:
        """Call ``on_result(i, fn(*tasks[i]))`` for every task as it finishes.

        ``workers`` caps the local pool for this call (a few long tasks need no more processes
        than tasks). An exception raised by a task stops the map and is raised here.
        """
        if not tasks:
            return
        n = min(self.workers if workers is None else max(1, workers), len(tasks))
        if self.client is not None:
            for i, result in self._dask(fn, tasks):
                on_result(i, result)
        elif n <= 1:
            for i, args in enumerate(tasks):
                on_result(i, fn(*args))
        else:
            self._local(fn, tasks, n, on_result)

    def results(self, fn: Callable[..., Any], tasks: Sequence[tuple], progress: Callable[[Any], None] | None = None
                ) -> list[Any]:
        """Every task's result, in the order of ``tasks``; ``progress(result)`` as each finishes."""
        out: list[Any] = [None] * len(tasks)

        def done(i: int, result: Any) -> None:
            out[i] = result
            if progress:
                progress(result)

        self.map(fn, tasks, done)
        return out

    def _local(self, fn: Callable[..., Any], tasks: Sequence[tuple], n: int,
               on_result: Callable[[int, Any], None]) -> None:
        todo = list(range(len(tasks)))
        for _attempt in range(POOL_RESTARTS):
            try:
                self._pool_round(fn, tasks, todo, n, on_result)
                return
            except BrokenProcessPool:
                # a worker died: start a new pool for the tasks that had not reported
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
        raise RuntimeError(f"the process pool broke {POOL_RESTARTS} times; see the workers' output")

    def _pool_round(self, fn: Callable[..., Any], tasks: Sequence[tuple], todo: list[int], n: int,
                    on_result: Callable[[int, Any], None]) -> None:
        """One pool's life: a task leaves ``todo`` when it reports, so a broken pool leaves
        exactly the unreported ones."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=clean_context(),
                                             initializer=share_cores, initargs=(self.workers,))
        queue = iter(list(todo))
        pending: dict[Any, int] = {}

        def submit_next() -> None:
            i = next(queue, None)
            if i is not None:
                pending[self._pool.submit(fn, *tasks[i])] = i

        for _ in range(2 * n):
            submit_next()
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    i = pending.pop(f)
                    on_result(i, f.result())
                    todo.remove(i)
                    submit_next()
        except BaseException as exc:
            for f in pending:
                f.cancel()
            if not isinstance(exc, BrokenProcessPool):  # an error or Ctrl-C: the pool's workers are ended
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            raise

    def _dask(self, fn: Callable[..., Any], tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        queue = iter(range(len(tasks)))
        index: dict[str, int] = {}

        def submit(i: int) -> Any:
            f = self.client.submit(fn, *tasks[i], pure=False)
            index[f.key] = i
            return f

        first = [submit(i) for i in (next(queue, None) for _ in range(2 * self.workers)) if i is not None]
        ac = as_completed(first)
        for f in ac:
            result = f.result()
            i = index.pop(f.key)
            f.release()
            yield i, result
            nxt = next(queue, None)
            if nxt is not None:
                ac.add(submit(nxt))


# What the fork server imports before it forks workers: the run path (pandas, Mesa, numba, the kernels'
# module) and the distributions the consumers' traits draw from (sim.state imports them lazily). Not the
# compiled kernels: loading a parallel kernel starts numba's OpenMP threads, which a fork cannot copy.
PRELOAD = ["sim.api", "scipy.stats"]


def clean_context() -> mp.context.BaseContext:
    """``forkserver`` preloading the engine where available, else ``spawn``: workers never inherit this
    process's threads, and only the first pool of a process pays for the imports."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # no effect once the server runs; it then already has them
    return ctx


def share_cores(workers: int) -> None:
    """Give this process's kernel threads its share of the machine's cores (a pool worker's initializer)."""
    import numba

    numba.set_num_threads(max(1, min(numba.config.NUMBA_NUM_THREADS, (os.cpu_count() or 1) // workers)))


def default_workers(workers: int | None) -> int:
    """``0`` or ``None`` means one worker per core."""
    return workers or os.cpu_count() or 1
