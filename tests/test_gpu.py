"""The CUDA backend (run.backend: cuda, sim.engine.gpu): the same rows as the CPU kernels, one GPU thread per
consumer. Without a GPU it runs in numba-cuda's simulator here; a machine without one refuses it cleanly."""

import os
import subprocess
import sys

import pytest

import sim
from sim.engine import gpu
from tests.conftest import small_config
from tests.test_cli import GOOD, _bad

BOTH = """
import hashlib
import sim
from tests.conftest import small_config
for backend in ("cpu", "cuda"):
    # tolerance 2 and wear-out at 0.5: the cap's ranking, lowered caps and the trust penalty all act
    cfg = small_config(agents=200, warmup=4, **{"run.backend": backend, "fatigue.tolerance_mean": 2,
                                                "ads.wearout_frequency": 0.5})
    r = sim.run(cfg, seed=9, days=6)
    b = r.daily[r.daily["entity_type"] == "brand"]
    print(backend, hashlib.sha256(r.daily.to_csv().encode() + r.ledger.to_csv().encode()).hexdigest(),
          int(b["impressions_wasted"].sum()), int(b["clicks"].sum()), int(b["orders"].sum()))
"""


@pytest.mark.slow
def test_the_cuda_backend_gives_the_cpu_backends_run_in_the_simulator():
    """Same rows, same counter-based draws: in the simulator (numpy float32 arithmetic) the runs are identical.
    On a device float32 exp may differ in its last bit, so there the check is statistical (docs/PERFORMANCE.md)."""
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    res = subprocess.run([sys.executable, "-c", BOTH], capture_output=True, text=True, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    cpu, cuda = (line.split() for line in res.stdout.strip().splitlines()[-2:])
    assert cpu[0] == "cpu" and cuda[0] == "cuda"
    assert int(cpu[2]) > 0 and int(cpu[3]) > 0  # waste and clicks happened: the kernels did work
    assert cpu[1:] == cuda[1:]


needs_no_gpu = pytest.mark.skipif(gpu.unavailable_reason() is None, reason="a CUDA GPU is present here")


@needs_no_gpu
def test_without_a_gpu_the_cli_refuses_the_cuda_backend_in_one_line(tmp_path):
    msg = _bad(tmp_path, GOOD, "--set", "run.backend=cuda")
    assert "run.backend is cuda, but" in msg


@needs_no_gpu
def test_without_a_gpu_the_model_says_why():
    with pytest.raises(RuntimeError, match="run.backend is cuda, but"):
        sim.TrafficModel(small_config(agents=100, warmup=0, **{"run.backend": "cuda"}), seed=1)


def test_the_cuda_backend_refuses_more_brands_than_its_scratch_rows():
    assert "at most" in gpu.unavailable_reason(gpu.MAX_BRANDS + 1)
