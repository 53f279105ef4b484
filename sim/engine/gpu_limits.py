"""Sizes of the CUDA backend, importable without numba-cuda."""

MAX_BRANDS = 128  # per-thread scratch rows are fixed-size local arrays on the device
THREADS_PER_BLOCK = 128
