"""Social graphs as symmetric CSR arrays, generated directly in numpy.

Kinds (``graph.kind``):

* ``small_world``: Watts–Strogatz. A ring lattice in which node i is linked to its k nearest
  neighbours (k = mean_degree rounded to an even number, k/2 on each side); the far end of
  each lattice edge is rewired, with probability ``rewire_prob``, to a uniform random node
  other than i. High clustering, short paths.
* ``scale_free``: Chung–Lu model with power-law expected degrees w_i ∝ (i + 1)^(-1/2), i.e. a
  degree tail P(k) ~ k^-3 as in Barabási–Albert, with minimum expected degree ≈ mean_degree/2
  (BA's m) and maximum ≈ (mean_degree/2)·√n. Exactly round(mean_degree·n/2) distinct edges
  are drawn with endpoints ∝ w (self loops and repeats are redrawn); node ids are then
  shuffled so that hubs are not the lowest ids. Unlike BA there is no age–degree
  correlation, and low-weight nodes get a Poisson number of edges (a few are isolated).
* ``community``: stochastic block model. ``communities`` blocks of equal size (±1); each of
  the round(mean_degree·n/2) edges has a uniform random endpoint and, with probability
  ``mixing``, a uniform random partner in another block, else one in its own block, so a
  share ``mixing`` of every node's edges leave its block on average.
* ``complete``: mean field. No edges are stored; every consumer's neighbourhood is the whole
  population, so word of mouth is exactly Bass's q·F (F the adopted share).
* ``edgelist``: a SNAP-style file (see :func:`load_edgelist`).

Why numpy and not networkx: a 1,000,000-node graph with mean degree 10 takes networkx 19–36 s
and gigabytes of Python objects; the vectorised samplers here take seconds and hold only the
CSR arrays (int64 row pointers, int32 neighbour ids). networkx stays for analysis of small
graphs (:meth:`SocialGraph.to_networkx`). All generated graphs are undirected (each edge is
stored both ways), without self loops or duplicates, and a function of the ``rng`` alone.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    import networkx

KINDS = ("small_world", "scale_free", "community", "complete", "edgelist")
_INT32_MAX = np.iinfo(np.int32).max


class GraphFileError(ValueError):
    """A bad edge-list file: ``path``, 1-based ``line`` (None for the whole file) and ``reason``."""

    def __init__(self, path: str | os.PathLike, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, eq=False)
class SocialGraph:
    """An undirected graph as symmetric CSR arrays (no self loops, no duplicate edges).

    ``complete`` graphs store no edges: every node neighbours every other (mean field).
    """

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    complete: bool = False
    node_ids: np.ndarray | None = None
    kind: str = ""

    def degree(self) -> np.ndarray:
        """Number of neighbours per node, int64 (n,)."""
        if self.complete:
            return np.full(self.n, self.n - 1, dtype=np.int64)
        return np.diff(self.indptr).astype(np.int64, copy=False)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        if self.complete:
            return self.n * (self.n - 1) // 2
        return int(self.indices.size // 2)

    @cached_property
    def _adjacency(self) -> sp.csr_matrix:
        """float32 adjacency matrix, built once (int32 index arrays where they fit)."""
        indptr, indices = self.indptr, self.indices
        if indices.size <= _INT32_MAX:
            indptr, indices = indptr.astype(np.int32), indices.astype(np.int32, copy=False)
        data = np.ones(indices.size, dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(self.n, self.n))

    @cached_property
    def inv_degree(self) -> np.ndarray:
        """1/degree as float32, 0 for isolated nodes."""
        d = self.degree()
        inv = np.zeros(self.n, dtype=np.float32)
        np.divide(1.0, d, out=inv, where=d > 0, dtype=np.float32)
        return inv

    def neighbour_share(self, x: np.ndarray) -> np.ndarray:
        """Mean of ``x`` (shape (n,) or (n, k)) over each node's neighbours, float32; 0 if isolated.

        On the complete graph: the population mean ``x.mean(axis=0)`` for every node.
        """
        x = np.asarray(x)
        if x.ndim not in (1, 2) or x.shape[0] != self.n:
            raise ValueError(f"expected shape ({self.n},) or ({self.n}, k), got {x.shape}")
        if self.complete:
            mean = x.mean(axis=0, dtype=np.float64).astype(np.float32)
            out = np.empty(x.shape, dtype=np.float32)
            out[...] = mean
            return out
        s = np.asarray(self._adjacency @ x.astype(np.float32, copy=False), dtype=np.float32)
        s *= self.inv_degree if s.ndim == 1 else self.inv_degree[:, None]
        return s

    def to_networkx(self) -> networkx.Graph:
        """A networkx.Graph on nodes 0..n-1 (attribute ``id`` holds the file's ids, if any)."""
        import networkx as nx

        if self.complete:
            g = nx.complete_graph(self.n)
        else:
            g = nx.Graph()
            g.add_nodes_from(range(self.n))
            rows = np.repeat(np.arange(self.n), np.diff(self.indptr))
            keep = rows < self.indices
            g.add_edges_from(zip(rows[keep].tolist(), self.indices[keep].tolist(), strict=True))
        if self.node_ids is not None:
            nx.set_node_attributes(g, dict(enumerate(self.node_ids.tolist())), "id")
        return g


# --------------------------------------------------------------------------------- CSR helpers


def _sorted_unique(keys: np.ndarray, *, inplace: bool = False) -> np.ndarray:
    """Sorted distinct values (a sort plus a mask: several times faster than np.unique here)."""
    s = keys if inplace else keys.copy()
    s.sort()
    if s.size < 2:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def _canonical_keys(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Keys min·n + max of the non-loop edges (u, v), int64, unsorted, repeats kept."""
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    u, v = u[keep], v[keep]
    return np.minimum(u, v) * n + np.maximum(u, v)


def _csr_from_keys(n: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR of the symmetric graph whose undirected edges are the canonical ``keys``."""
    lo, hi = np.divmod(keys, n)
    both = np.concatenate([keys, hi * n + lo])
    del lo, hi
    both = _sorted_unique(both, inplace=True)  # row-major order: key = row·n + col
    indptr = np.searchsorted(both, np.arange(n + 1, dtype=np.int64) * n).astype(np.int64)
    return indptr, (both % n).astype(np.int32)


def csr_from_edges(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric CSR (indptr int64 (n+1,), indices int32) from undirected edges u[i]–v[i].

    Self loops and duplicates (in either direction) are dropped; rows are sorted.
    """
    u = np.asarray(u)
    v = np.asarray(v)
    if u.shape != v.shape:
        raise ValueError(f"u and v differ in shape: {u.shape} vs {v.shape}")
    if u.size and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        raise ValueError(f"node ids must lie in 0..{n - 1}")
    return _csr_from_keys(n, _canonical_keys(n, u, v))


def _distinct_edges(n: int, m: int, sample, max_rounds: int = 64) -> np.ndarray:
    """Canonical keys of up to m distinct non-loop edges, drawing ``sample(k) -> (u, v)``.

    Loops and repeats are redrawn (so edges are drawn without replacement) until m are found,
    the rounds run out, or a large round finds almost nothing new (a saturated graph).
    """
    keys = np.empty(0, dtype=np.int64)
    for _ in range(max_rounds):
        need = m - keys.size
        if need <= 0:
            break
        u, v = sample(need)
        before = keys.size
        keys = _sorted_unique(np.concatenate([keys, _canonical_keys(n, u, v)]), inplace=True)
        if need >= 1000 and (keys.size - before) * 1000 < need:
            break
    return keys


# ---------------------------------------------------------------------------------- generators


def _n_edges(n: int, mean_degree: float) -> int:
    return min(int(round(mean_degree * n / 2)), n * (n - 1) // 2)


def _small_world(n: int, rng: np.random.Generator, mean_degree: float,
                 rewire_prob: float) -> tuple[np.ndarray, np.ndarray]:
    k = max(2, 2 * int(round(round(mean_degree) / 2)))
    k = min(k, n - 1 if (n - 1) % 2 == 0 else n - 2) if n > 2 else 2
    half = k // 2
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    dst = src + np.tile(np.arange(1, half + 1, dtype=np.int64), n)
    rewire = rng.random(src.size) < rewire_prob
    # a uniform node other than the source: offset 1..n-1 around the ring
    dst[rewire] = src[rewire] + 1 + rng.integers(0, n - 1, int(rewire.sum()))
    dst %= n
    return src, dst


def _scale_free_keys(n: int, rng: np.random.Generator, mean_degree: float) -> np.ndarray:
    perm = rng.permutation(n).astype(np.int64)  # hubs at random ids
    top = np.sqrt(n + 1.0) - 1.0

    def endpoints(k: int) -> np.ndarray:
        # inverse CDF of density ∝ (x + 1)^(-1/2) on [0, n): node i has weight ≈ (i + 1.5)^(-1/2)
        x = (1.0 + rng.random(k) * top) ** 2 - 1.0
        return perm[np.minimum(x.astype(np.int64), n - 1)]

    return _distinct_edges(n, _n_edges(n, mean_degree), lambda k: (endpoints(k), endpoints(k)))


def _community_keys(n: int, rng: np.random.Generator, mean_degree: float, communities: int,
                    mixing: float) -> np.ndarray:
    k = max(1, min(int(communities), n))
    block = np.arange(n, dtype=np.int64) * k // n
    starts = np.searchsorted(block, np.arange(k + 1))
    sizes = np.diff(starts)

    def sample(m: int) -> tuple[np.ndarray, np.ndarray]:
        src = rng.integers(0, n, m)
        b = block[src]
        out = rng.random(m) < mixing if k > 1 else np.zeros(m, dtype=bool)
        # within: another member of the own block (offset 1..size-1 around the block)
        size = sizes[b]
        offset = 1 + (rng.random(m) * (size - 1)).astype(np.int64)
        dst = starts[b] + (src - starts[b] + offset) % size
        # between: a uniform member of a uniform other block
        n_out = int(out.sum())
        ob = (b[out] + 1 + rng.integers(0, k - 1, n_out) if k > 1 else b[out]) % k
        dst[out] = starts[ob] + (rng.random(n_out) * sizes[ob]).astype(np.int64)
        return src, dst

    return _distinct_edges(n, _n_edges(n, mean_degree), sample)


def build_graph(kind: str, n: int | None, rng: np.random.Generator, *, mean_degree: float = 10.0,
                rewire_prob: float = 0.1, communities: int = 20, mixing: float = 0.1,
                path: str | os.PathLike | None = None) -> SocialGraph:
    """Build a social graph of ``kind`` on n nodes (see the module docstring for the kinds).

    For ``edgelist`` the file at ``path`` decides the nodes; n=None accepts its count, any
    other n must equal it (ValueError otherwise). ``rng`` is the only source of randomness.
    """
    if kind == "edgelist":
        if path is None:
            raise ValueError("graph.kind 'edgelist' needs graph.path")
        g = load_edgelist(path)
        if n is not None and n != g.n:
            raise ValueError(f"population.agents is {n} but the edge list {path} has {g.n} nodes")
        return g
    if kind not in KINDS:
        raise ValueError(f"unknown graph kind {kind!r}; expected one of {', '.join(KINDS)}")
    if n is None or n < 2:
        raise ValueError(f"a generated graph needs at least 2 nodes, got {n}")
    if kind == "complete":
        return SocialGraph(n, np.zeros(n + 1, np.int64), np.zeros(0, np.int32), complete=True,
                           kind=kind)
    if not mean_degree > 0:
        raise ValueError(f"mean_degree must be positive, got {mean_degree}")
    if kind == "small_world":
        if not 0 <= rewire_prob <= 1:
            raise ValueError(f"rewire_prob must lie in [0, 1], got {rewire_prob}")
        u, v = _small_world(n, rng, mean_degree, rewire_prob)
        keys = _canonical_keys(n, u, v)
    elif kind == "scale_free":
        keys = _scale_free_keys(n, rng, mean_degree)
    else:
        if not 0 <= mixing <= 1 or communities < 1:
            raise ValueError("need communities >= 1 and mixing in [0, 1], "
                             f"got {communities} and {mixing}")
        keys = _community_keys(n, rng, mean_degree, communities, mixing)
    indptr, indices = _csr_from_keys(n, keys)
    return SocialGraph(n, indptr, indices, kind=kind)


# ----------------------------------------------------------------------------------- edge lists


def load_edgelist(path: str | os.PathLike) -> SocialGraph:
    """Load a SNAP-style edge list (plain or ``.gz``) as an undirected graph.

    One edge per line as two whitespace-separated node ids (any strings), optionally a third
    column (a weight, ignored); ``#`` starts a comment (whole line or trailing); blank lines,
    duplicate edges and self loops are allowed (dropped). Ids become 0..N-1 in order of first
    appearance, and ``node_ids`` keeps the originals as strings. Raises GraphFileError for a
    missing or unreadable file, a malformed line (with its 1-based number) or no edges.
    """
    p = Path(path)
    if not p.is_file():
        raise GraphFileError(p, None, "file not found" if not p.exists() else "not a file")
    try:
        raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise GraphFileError(p, None, f"cannot read: {exc}") from None
    ids: dict[str, int] = {}
    code = ids.setdefault
    ends: list[int] = []
    push = ends.append
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "#" in line:
            line = line[:line.index("#")]
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            if len(parts) != 3:
                raise GraphFileError(p, lineno, "expected two node ids and an optional weight, "
                                                f"got {len(parts)} field(s): {line.strip()!r}")
            try:
                float(parts[2])
            except ValueError:
                reason = f"the weight {parts[2]!r} is not a number"
                raise GraphFileError(p, lineno, reason) from None
        push(code(parts[0], len(ids)))
        push(code(parts[1], len(ids)))
    if not ends:
        raise GraphFileError(p, None, "no edges")
    e = np.array(ends, dtype=np.int64).reshape(-1, 2)
    n = len(ids)
    indptr, indices = csr_from_edges(n, e[:, 0], e[:, 1])
    if indices.size == 0:
        raise GraphFileError(p, None, "no edges (only self loops)")
    return SocialGraph(n, indptr, indices, node_ids=np.array(list(ids), dtype=str), kind="edgelist")
