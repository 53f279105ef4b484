"""Social graphs as CSR arrays, built directly in numpy.

Kinds (``graph.kind``):

* ``small_world``: Watts–Strogatz — a ring lattice with k = mean_degree (rounded to even)
  neighbours, each edge's far end rewired with probability ``rewire_prob``.
* ``scale_free``: Chung–Lu configuration model with power-law expected degrees
  (exponent 3, as Barabási–Albert), mean ≈ mean_degree: heavy-tailed, vectorised.
* ``community``: stochastic block model, ``communities`` equal blocks, a share
  ``mixing`` of edges between blocks.
* ``complete``: mean field; no edges stored, every consumer's neighbourhood is the whole
  population (word of mouth is then exactly Bass's q·F).
* ``edgelist``: a SNAP-style file (whitespace-separated pairs, ``#`` comments, arbitrary
  ids, duplicates and self-loops tolerated).

Generation is numpy, not networkx: networkx takes 19–36 s for a 1M-node graph
(MODEL_BRIEF §9). networkx remains for analysis (:meth:`SocialGraph.to_networkx`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp


class GraphFileError(ValueError):
    """A bad edge-list file, with its path and 1-based line number."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{path}:{line}: {reason}" if line is not None else f"{path}: {reason}")


@dataclass(frozen=True)
class SocialGraph:
    """An undirected graph: symmetric CSR arrays (no self loops, no duplicates)."""

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    complete: bool = False
    node_ids: np.ndarray | None = None
    kind: str = ""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def degree(self) -> np.ndarray:
        if self.complete:
            return np.full(self.n, self.n - 1, dtype=np.int64)
        return np.diff(self.indptr).astype(np.int64)

    @property
    def n_edges(self) -> int:
        if self.complete:
            return self.n * (self.n - 1) // 2
        return int(self.indices.size // 2)

    def _matrix(self) -> sp.csr_matrix:
        if "A" not in self._cache:
            data = np.ones(self.indices.size, dtype=np.float32)
            self._cache["A"] = sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))
            self._cache["inv_deg"] = (1.0 / np.maximum(self.degree(), 1)).astype(np.float32)
        return self._cache["A"]

    def neighbour_share(self, x: np.ndarray) -> np.ndarray:
        """Mean of ``x`` over each node's neighbours (0 for isolated nodes); float32.

        On the complete graph, the population mean for every node (mean field).
        """
        x = np.asarray(x)
        if self.complete:
            return np.broadcast_to(x.mean(axis=0, dtype=np.float64).astype(np.float32), x.shape).copy()
        A = self._matrix()
        s = A @ x.astype(np.float32, copy=False)
        inv = self._cache["inv_deg"]
        return (s * (inv if s.ndim == 1 else inv[:, None])).astype(np.float32, copy=False)

    def to_networkx(self):
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        if self.complete:
            g = nx.complete_graph(self.n)
        else:
            rows = np.repeat(np.arange(self.n), np.diff(self.indptr))
            keep = rows < self.indices
            g.add_edges_from(zip(rows[keep].tolist(), self.indices[keep].tolist(), strict=True))
        return g


def csr_from_edges(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric CSR (indptr int64, indices int32) from undirected edges; drops loops and duplicates."""
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    a = np.concatenate([u[keep], v[keep]])
    b = np.concatenate([v[keep], u[keep]])
    key = np.unique(a * n + b)
    rows, cols = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return indptr, cols.astype(np.int32)


def _small_world(n: int, rng: np.random.Generator, mean_degree: float, rewire_prob: float) -> tuple:
    k = max(2, int(round(mean_degree / 2)) * 2)
    k = min(k, n - 1 - (n - 1) % 2) if n > 2 else 1
    half = max(1, k // 2)
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    rewire = rng.random(src.size) < rewire_prob
    dst = dst.copy()
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    return src, dst


def _scale_free(n: int, rng: np.random.Generator, mean_degree: float) -> tuple:
    # Chung–Lu: expected degrees w_i ∝ (i + i0)^(-1/(γ-1)), γ = 3; edges drawn ∝ w_i w_j
    i = np.arange(n, dtype=float)
    w = (i + 1.0) ** -0.5
    w *= mean_degree * n / w.sum()
    m = int(round(mean_degree * n / 2))
    p = w / w.sum()
    cum = np.cumsum(p)
    src = np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1]), n - 1)
    dst = np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1]), n - 1)
    perm = rng.permutation(n)  # so that hubs are not the lowest ids
    return perm[src], perm[dst]


def _community(n: int, rng: np.random.Generator, mean_degree: float, communities: int, mixing: float) -> tuple:
    k = max(1, min(communities, n))
    block = np.arange(n) * k // n
    starts = np.searchsorted(block, np.arange(k))
    sizes = np.bincount(block, minlength=k)
    m = int(round(mean_degree * n / 2))
    src = rng.integers(0, n, m)
    between = rng.random(m) < mixing
    dst = np.empty(m, dtype=np.int64)
    b = block[src]
    within = ~between
    dst[within] = starts[b[within]] + (rng.random(int(within.sum())) * sizes[b[within]]).astype(np.int64)
    dst[between] = rng.integers(0, n, int(between.sum()))
    return src, dst


def build_graph(kind: str, n: int | None, rng: np.random.Generator, *, mean_degree: float = 10.0,
                rewire_prob: float = 0.1, communities: int = 20, mixing: float = 0.1,
                path: str | os.PathLike | None = None) -> SocialGraph:
    """Build a graph of ``kind`` on n nodes (for ``edgelist``, n may be None: the file decides)."""
    if kind == "edgelist":
        if path is None:
            raise ValueError("graph.kind 'edgelist' needs graph.path")
        g = load_edgelist(path)
        if n is not None and n != g.n:
            raise ValueError(f"population.agents is {n} but the edge list {path} has {g.n} nodes")
        return g
    if n is None or n < 2:
        raise ValueError(f"a generated graph needs at least 2 nodes, got {n}")
    if kind == "complete":
        return SocialGraph(n, np.zeros(n + 1, np.int64), np.zeros(0, np.int32), complete=True, kind=kind)
    if kind == "small_world":
        u, v = _small_world(n, rng, mean_degree, rewire_prob)
    elif kind == "scale_free":
        u, v = _scale_free(n, rng, mean_degree)
    elif kind == "community":
        u, v = _community(n, rng, mean_degree, communities, mixing)
    else:
        raise ValueError(f"unknown graph kind {kind!r}")
    indptr, indices = csr_from_edges(n, u, v)
    return SocialGraph(n, indptr, indices, kind=kind)


def load_edgelist(path: str | os.PathLike) -> SocialGraph:
    """Load a SNAP-style edge list; node ids are remapped to 0..N-1 in order of first appearance."""
    p = Path(path)
    if not p.is_file():
        raise GraphFileError(str(p), None, "file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphFileError(str(p), None, f"cannot read: {exc}") from None
    left: list[str] = []
    right: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) < 2 or len(parts) > 3:
            raise GraphFileError(str(p), lineno, f"expected two node ids (and an optional weight), got {raw.strip()!r}")
        left.append(parts[0])
        right.append(parts[1])
    if not left:
        raise GraphFileError(str(p), None, "no edges")
    ids = np.array(left + right, dtype=object)
    uniq, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # first-appearance order
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    code = rank[inverse]
    m = len(left)
    n = int(uniq.size)
    indptr, indices = csr_from_edges(n, code[:m], code[m:])
    return SocialGraph(n, indptr, indices, node_ids=uniq[order].astype(str), kind="edgelist")
