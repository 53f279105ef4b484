"""The CUDA kernels of :mod:`sim.engine.gpu`: one thread per consumer, the rows of :mod:`sim.engine.rows`.

Imported only when ``run.backend`` is cuda (it imports numba.cuda). Module-level kernels, so that
numba-cuda's simulator (``NUMBA_ENABLE_CUDASIM=1``, used by the tests) can run them too.
"""

import numpy as np
from numba import cuda

from .gpu_limits import MAX_BRANDS
from .rows import expose_row, touch_row


@cuda.jit
def exposure_kernel(day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
                    log_keep_unaware, annoyance_decay, annoyance_per_wasted, key, last_attended, last_reached, t_paid,
                    adstock, awareness, trust, annoyance, effective, touch_draw, valid_rows, wasted_rows, by_brand):
    i = cuda.grid(1)
    if i < in_segment.shape[0]:
        n_row = cuda.local.array(MAX_BRANDS, np.float32)
        waste_row = cuda.local.array(MAX_BRANDS, np.float32)
        prio = cuda.local.array(MAX_BRANDS, np.float32)
        state = cuda.local.array(MAX_BRANDS, np.int8)
        order = cuda.local.array(MAX_BRANDS, np.int32)
        expose_row(i, day, lam, in_segment, tolerance, window, fatigue_on, wearout_frequency, trust_penalty, theta,
                   log_keep_unaware, annoyance_decay, annoyance_per_wasted, key, last_attended, last_reached, t_paid,
                   adstock, awareness, trust, annoyance, effective, touch_draw, valid_rows, wasted_rows, n_row,
                   waste_row, prio, state, order)
        for b in range(in_segment.shape[1]):
            # float64 sums of whole numbers of impressions: exact in any order the atomics take
            cuda.atomic.add(by_brand, (0, b), np.float64(n_row[b]))
            cuda.atomic.add(by_brand, (1, b), np.float64(waste_row[b]))


@cuda.jit
def touch_kernel(day, ctr, annoyance_ctr_drag, wom_share, wom_rate, effective, touch_draw, offer_read, impulse_rate,
                 alive, forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse):
    i = cuda.grid(1)
    if i < wom_share.shape[0]:
        touch_row(i, day, ctr, annoyance_ctr_drag, wom_share, wom_rate, effective, touch_draw, offer_read,
                  impulse_rate, alive, forget_keep, annoyance, orders, awareness, t_wom, touched, clicked, impulse)
