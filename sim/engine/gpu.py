"""The CUDA backend (``run.backend: cuda``): Exposure's and Touches' kernels on an NVIDIA GPU.

One GPU thread per consumer runs the same row functions as the CPU kernels
(:mod:`sim.engine.rows`, compiled by numba-cuda), with the same counter-based draws, so the
backends agree draw for draw; on a device they differ only where float32 ``exp`` differs in its
last bit, which ``benchmarks/gpu_check.py`` checks statistically. In numba-cuda's simulator the two
are bit-identical (``tests/test_gpu.py``; docs/PERFORMANCE.md).

This first backend keeps the consumer state on the host: each day it uploads the columns a
kernel reads and downloads those it writes (about 0.75 GB a day at 1,000,000 × 20), and the other
components stay numpy. Tests run it in numba-cuda's simulator (``NUMBA_ENABLE_CUDASIM=1``); on a
machine without a GPU, :func:`unavailable_reason` says why and ``sim`` refuses the backend.
The functions here have the signatures of :mod:`sim.engine.kernels`' CPU kernels.
"""

from __future__ import annotations

import numpy as np

from .gpu_limits import MAX_BRANDS, THREADS_PER_BLOCK


def unavailable_reason(n_brands: int = 0) -> str | None:
    """None when the CUDA backend can run here (a GPU, or numba-cuda's simulator), else why not."""
    if n_brands > MAX_BRANDS:
        return f"the CUDA backend handles at most {MAX_BRANDS} brands, this market has {n_brands}"
    try:
        from numba import cuda
    except ImportError:
        return "numba-cuda is not installed (pip install 'traffic-sim[cuda]')"
    try:
        if not cuda.is_available():
            return "numba-cuda finds no CUDA GPU and driver on this machine"
    except Exception as exc:  # any driver failure means the backend cannot run
        return f"the CUDA driver failed: {exc}"
    return None


def _kernels():
    """The CUDA kernels' module, imported on first use (numba.cuda only when the backend is chosen)."""
    from . import gpu_kernels

    return gpu_kernels


def _on_device(arrays) -> list:
    from numba import cuda

    return [cuda.to_device(np.ascontiguousarray(a)) for a in arrays]


def _blocks(n_rows: int) -> int:
    return (n_rows + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK


def exposure_rows(day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
                  log_keep_unaware, annoyance_decay, annoyance_per_wasted, key,
                  last_attended, last_reached, t_paid, adstock, awareness, trust, annoyance,
                  effective, touch_draw, valid_rows, wasted_rows):
    """:func:`sim.engine.kernels.exposure_rows` on the GPU: upload, one thread per consumer, download."""
    lam_d, in_segment_d, tolerance_d, key_d = _on_device((lam, in_segment, tolerance, key))
    by_brand = np.zeros((2, in_segment.shape[1]))
    written = (last_attended, last_reached, t_paid, adstock, awareness, trust, annoyance, effective, touch_draw,
               valid_rows, wasted_rows, by_brand)
    written_d = _on_device(written)
    _kernels().exposure_kernel[_blocks(in_segment.shape[0]), THREADS_PER_BLOCK](
        int(day), lam_d, in_segment_d, tolerance_d, int(window), bool(fatigue_on), wearout_frequency, trust_penalty,
        theta, log_keep_unaware, annoyance_decay, annoyance_per_wasted, key_d, *written_d)
    for host, dev in zip(written, written_d, strict=True):
        dev.copy_to_host(host)
    return by_brand


def touch_rows(day, ctr, annoyance_ctr_drag, wom_share, wom_rate, effective, touch_draw, offer_read, impulse_rate,
               alive, forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse):
    """:func:`sim.engine.kernels.touch_rows` on the GPU: upload, one thread per consumer, download."""
    read_d = _on_device((wom_share, wom_rate, effective, touch_draw, offer_read, impulse_rate, alive, annoyance,
                         orders))
    written = (awareness, t_wom, touched, clicked, impulse)
    written_d = _on_device(written)
    _kernels().touch_kernel[_blocks(wom_share.shape[0]), THREADS_PER_BLOCK](
        int(day), ctr, annoyance_ctr_drag, *read_d[:7], forget_keep, *read_d[7:], *written_d)
    for host, dev in zip(written, written_d, strict=True):
        dev.copy_to_host(host)
