"""Ad fatigue: geometric ad stock, Hill saturation, the tolerance cap and wear-out.

The cap, wear-out and ad stock run in the fused exposure kernel
(:func:`sim.engine.kernels.exposure_rows`); the Hill response is :func:`sim.engine.rows.hill`,
which the choice kernel reads.

Sources: docs/MODEL.md §7.2 and S3 (users attend to at most ~15 brands' ads at once);
geometric adstock and Hill saturation as in the marketing-mix models Robyn and Meridian.

Per consumer i and brand b, with n_ib valid impressions delivered today:

* tolerance cap: i attends to at most K_i distinct brands within ``window_days``. A brand
  already attended in the window stays attended; new brands fill the free places in a
  random order; impressions of the other brands are *wasted* (paid, no effect). If more
  brands are remembered than K_i (the cap was lowered), today's brands compete for K_i places.
* wear-out: attended impressions beyond ``wearout_frequency`` per day are wasted too and
  each costs ``wearout_trust_penalty`` of trust (negative marginal effect of frequency).
* ad stock: x*_t = e_t + θ · x*_{t−1}, with e_t the effective (attended, not worn-out)
  impressions.
* response: Hill(x*) = x*^α / (x*^α + K^α).
"""
