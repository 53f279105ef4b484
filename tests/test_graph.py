"""Social graphs: the numpy generators, the edge-list loader and the neighbour share."""

import gzip
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sim.graph import GraphFileError, SocialGraph, build_graph, csr_from_edges, load_edgelist

EGO = Path(__file__).resolve().parents[1] / "data" / "ego_facebook_combined.txt"
KINDS = ["small_world", "scale_free", "community"]


def _rows(g: SocialGraph) -> np.ndarray:
    return np.repeat(np.arange(g.n, dtype=np.int64), np.diff(g.indptr))


def _assert_simple_csr(g: SocialGraph) -> None:
    """Well-formed CSR: sorted rows, no self loops, no duplicates (cheap, O(nnz))."""
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32
    assert g.indptr.shape == (g.n + 1,) and g.indptr[0] == 0 and g.indptr[-1] == g.indices.size
    rows = _rows(g)
    assert not (rows == g.indices).any(), "self loop"
    key = rows * g.n + g.indices
    assert (np.diff(key) > 0).all(), "rows unsorted or a duplicate edge"
    assert g.indices.min() >= 0 and g.indices.max() < g.n


def _assert_symmetric(g: SocialGraph) -> None:
    A = sp.csr_matrix((np.ones(g.indices.size), g.indices, g.indptr), shape=(g.n, g.n))
    assert (A != A.T).nnz == 0


def _ring_distance(g: SocialGraph) -> np.ndarray:
    d = np.abs(_rows(g) - g.indices)
    return np.minimum(d, g.n - d)


# ------------------------------------------------------------------------------ generators


@pytest.mark.parametrize("kind", KINDS)
def test_generated_graphs_are_simple_symmetric_and_deterministic(kind):
    g = build_graph(kind, 5000, np.random.default_rng(1), mean_degree=10)
    assert g.n == 5000 and g.kind == kind and not g.complete and g.node_ids is None
    _assert_simple_csr(g)
    _assert_symmetric(g)
    assert g.n_edges == g.indices.size // 2 and g.degree().sum() == 2 * g.n_edges
    again = build_graph(kind, 5000, np.random.default_rng(1), mean_degree=10)
    other = build_graph(kind, 5000, np.random.default_rng(2), mean_degree=10)
    assert np.array_equal(g.indptr, again.indptr) and np.array_equal(g.indices, again.indices)
    assert not (np.array_equal(g.indptr, other.indptr) and np.array_equal(g.indices, other.indices))


@pytest.mark.parametrize("n,mean_degree", [(5000, 10), (3000, 7.3), (2001, 4)])
def test_mean_degree_is_as_asked(n, mean_degree):
    # scale_free and community redraw loops and repeats: exactly round(mean·n/2) edges
    for kind in ("scale_free", "community"):
        g = build_graph(kind, n, np.random.default_rng(3), mean_degree=mean_degree)
        assert g.n_edges == round(mean_degree * n / 2), kind
    # small_world: n·k/2 lattice edges; a rewired end hits an existing neighbour with
    # probability ≈ k/n, so about k²p/2 edges are lost (Poisson): allow mean + 5 sd
    p = 0.1
    k = 2 * round(round(mean_degree) / 2)
    g = build_graph("small_world", n, np.random.default_rng(3), mean_degree=mean_degree,
                    rewire_prob=p)
    lost = n * k // 2 - g.n_edges
    expected = k * k * p / 2
    assert 0 <= lost <= expected + 5 * math.sqrt(expected) + 1


def test_small_world_without_rewiring_is_the_ring_lattice():
    g = build_graph("small_world", 100, np.random.default_rng(0), mean_degree=4, rewire_prob=0.0)
    assert g.indices[g.indptr[0]:g.indptr[1]].tolist() == [1, 2, 98, 99]
    assert g.indices[g.indptr[50]:g.indptr[51]].tolist() == [48, 49, 51, 52]
    assert (g.degree() == 4).all() and (_ring_distance(g) <= 2).all()
    # k is mean_degree rounded to an even number
    assert (build_graph("small_world", 100, np.random.default_rng(0), mean_degree=6.2,
                        rewire_prob=0.0).degree() == 6).all()


def test_small_world_rewires_the_asked_share_and_stays_clustered():
    n, k, p = 2000, 10, 0.1
    g = build_graph("small_world", n, np.random.default_rng(0), mean_degree=k, rewire_prob=p)
    # a rewired end lands beyond the lattice distance k/2 unless it happens to land within it
    far = (_ring_distance(g) > k // 2).mean()
    expected = p * (1 - k / (n - 1))
    assert abs(far - expected) < 5 * math.sqrt(expected * (1 - expected) / g.n_edges)
    sw = g.to_networkx()
    rnd = nx.gnm_random_graph(n, sw.number_of_edges(), seed=0)
    c_sw, c_rnd = nx.average_clustering(sw), nx.average_clustering(rnd)
    # Watts–Strogatz: C ≈ 3(k-2)/(4(k-1))·(1-p)³ ≈ 0.49; a random graph: ≈ k/n = 0.005
    assert c_sw > 0.4 and c_sw > 20 * c_rnd


def test_scale_free_has_a_power_law_tail():
    g = build_graph("scale_free", 20_000, np.random.default_rng(0), mean_degree=10)
    d = g.degree()
    assert d.max() > 5 * d.mean()
    # P(D > x) ~ x^-(γ-1) with γ = 3: P(D > 20) / P(D > 80) ≈ 4² = 16 (a Poisson graph: ~∞)
    ratio = (d > 20).mean() / (d > 80).mean()
    assert 8 < ratio < 32
    # hubs are spread over the ids, not the lowest ones
    hubs = np.argsort(d)[-20:]
    assert hubs.min() > 100 or hubs.max() > g.n / 2


@pytest.mark.parametrize("mixing", [0.0, 0.1, 0.4])
def test_community_edges_leave_their_block_at_the_mixing_rate(mixing):
    n, k = 10_000, 20
    g = build_graph("community", n, np.random.default_rng(0), mean_degree=10, communities=k,
                    mixing=mixing)
    block = np.arange(n) * k // n
    within = block[_rows(g)] == block[g.indices]
    share = within.mean()  # each undirected edge counted twice: the same share
    sd = math.sqrt(mixing * (1 - mixing) / g.n_edges)
    assert abs(share - (1 - mixing)) <= 5 * sd + 1e-12
    if mixing:
        # per node, not only overall: no block is cut off from the rest
        out_per_block = np.bincount(block[_rows(g)], weights=~within, minlength=k)
        assert (out_per_block > 0).all()


def test_complete_graph_stores_no_edges():
    g = build_graph("complete", 5, np.random.default_rng(0))
    assert g.complete and g.indptr.tolist() == [0] * 6 and g.indices.size == 0
    assert g.degree().tolist() == [4] * 5 and g.n_edges == 10
    assert nx.is_isomorphic(g.to_networkx(), nx.complete_graph(5))


def test_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="unknown graph kind"):
        build_graph("lattice", 10, rng)
    with pytest.raises(ValueError, match="at least 2 nodes"):
        build_graph("small_world", 1, rng)
    with pytest.raises(ValueError, match="needs graph.path"):
        build_graph("edgelist", None, rng)


def test_csr_from_edges_symmetrises_and_drops_loops_and_duplicates():
    indptr, indices = csr_from_edges(4, np.array([2, 0, 1, 1, 3, 0]), np.array([0, 2, 1, 2, 3, 1]))
    assert indptr.dtype == np.int64 and indices.dtype == np.int32
    assert indptr.tolist() == [0, 2, 4, 6, 6]
    assert indices.tolist() == [1, 2, 0, 2, 0, 1]


# ----------------------------------------------------------------------------- neighbour share


def _hand_graph() -> SocialGraph:
    # 0 - 1, 1 - 2, 1 - 3, 2 - 3: degrees 1, 3, 2, 2
    indptr, indices = csr_from_edges(4, np.array([0, 1, 1, 2]), np.array([1, 2, 3, 3]))
    return SocialGraph(4, indptr, indices)


def test_neighbour_share_by_hand():
    g = _hand_graph()
    x = np.array([1.0, 0.0, 1.0, 0.5])
    s = g.neighbour_share(x)
    assert s.dtype == np.float32 and s.shape == (4,)
    assert s.tolist() == pytest.approx([0.0, 2.5 / 3, 0.25, 0.5])
    b = g.neighbour_share(np.array([True, False, True, False]))
    assert b.dtype == np.float32 and b.tolist() == pytest.approx([0.0, 2 / 3, 0.0, 0.5])
    x2 = np.stack([x, 1 - x, np.ones(4)], axis=1).astype(np.float32)
    s2 = g.neighbour_share(x2)
    assert s2.dtype == np.float32 and s2.shape == (4, 3)
    assert s2[:, 0].tolist() == pytest.approx(s.tolist())
    assert s2[:, 1].tolist() == pytest.approx((1 - s).tolist())
    assert s2[:, 2].tolist() == pytest.approx([1.0] * 4)
    with pytest.raises(ValueError, match="shape"):
        g.neighbour_share(np.ones(5))


def test_neighbour_share_is_zero_for_isolated_nodes():
    indptr, indices = csr_from_edges(3, np.array([0]), np.array([1]))  # node 2 has no friends
    g = SocialGraph(3, indptr, indices)
    assert g.degree().tolist() == [1, 1, 0]
    assert g.neighbour_share(np.ones(3)).tolist() == [1.0, 1.0, 0.0]
    assert g.neighbour_share(np.ones((3, 2)))[2].tolist() == [0.0, 0.0]


def test_neighbour_share_matches_networkx_on_a_random_graph():
    g = build_graph("scale_free", 300, np.random.default_rng(5), mean_degree=4)
    x = np.random.default_rng(6).random((300, 2))
    G = g.to_networkx()
    want = np.array([[np.mean([x[j, c] for j in G[i]]) if G.degree(i) else 0.0 for c in range(2)]
                     for i in range(300)])
    assert np.allclose(g.neighbour_share(x), want, atol=1e-6)


def test_complete_graph_share_is_the_population_mean():
    g = build_graph("complete", 1000, np.random.default_rng(0))
    adopted = np.zeros(1000, dtype=bool)
    adopted[:250] = True
    s = g.neighbour_share(adopted)
    assert s.dtype == np.float32 and s.shape == (1000,) and (s == np.float32(0.25)).all()
    x = np.random.default_rng(1).random((1000, 3))
    s2 = g.neighbour_share(x)
    assert s2.shape == (1000, 3) and np.allclose(s2, x.mean(axis=0)[None, :])
    s2[0, 0] = -1  # a writable array of its own, not a broadcast view
    assert g.neighbour_share(x)[0, 0] != -1


# ---------------------------------------------------------------------------------- edge lists


def test_loads_the_real_ego_facebook_graph():
    g = load_edgelist(EGO)
    assert (g.n, g.n_edges, g.kind) == (4039, 88234, "edgelist")
    _assert_simple_csr(g)
    _assert_symmetric(g)
    ref = nx.read_edgelist(EGO, comments="#", nodetype=str)  # an independent reader
    deg = dict(zip(g.node_ids.tolist(), g.degree().tolist(), strict=True))
    assert deg == dict(ref.degree())
    assert g.node_ids[:3].tolist() == ["0", "1", "2"]  # order of first appearance


def test_loader_tolerates_ids_comments_duplicates_loops_and_weights(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("# a comment\n"
                 "alice bob\n"
                 "\n"
                 "  carol   alice 0.5\n"       # a weight column, ignored; first seen: carol
                 "alice bob  # duplicate\n"    # trailing comment
                 "dave dave\n"                 # self loop: dave is a node without edges
                 "bob alice\r\n"               # the same edge reversed, CRLF
                 "42\t7\n",                    # integer ids, tab separated
                 encoding="utf-8")
    g = load_edgelist(f)
    assert g.node_ids.tolist() == ["alice", "bob", "carol", "dave", "42", "7"]
    assert g.n == 6 and g.n_edges == 3
    G = g.to_networkx()
    edges = {frozenset((G.nodes[a]["id"], G.nodes[b]["id"])) for a, b in G.edges}
    assert edges == {frozenset(("alice", "bob")), frozenset(("carol", "alice")),
                     frozenset(("42", "7"))}
    assert g.degree().tolist() == [2, 1, 1, 0, 1, 1]


def test_loader_reads_gzip(tmp_path):
    f = tmp_path / "g.txt.gz"
    f.write_bytes(gzip.compress(b"1 2\n2 3\n"))
    g = load_edgelist(f)
    assert g.n == 3 and g.n_edges == 2


@pytest.mark.parametrize("text,line", [
    ("1 2\n2\n", 2),                         # one token
    ("1 2\n# c\n\n2 3 4 5\n", 4),            # four tokens, after a comment and a blank line
    ("1 2\n2 3 heavy\n", 2),                 # a weight that is not a number
])
def test_malformed_lines_name_their_line(tmp_path, text, line):
    f = tmp_path / "bad.txt"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(GraphFileError) as e:
        load_edgelist(f)
    assert e.value.line == line and e.value.path == str(f)
    assert str(e.value) == f"{f}:{line}: {e.value.reason}"


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(GraphFileError, match="not found") as e:
        load_edgelist(tmp_path / "none.txt")
    assert e.value.line is None and e.value.path == str(tmp_path / "none.txt")
    assert isinstance(e.value, ValueError)
    cases = [("empty.txt", ""), ("comments.txt", "# nothing\n\n"), ("loops.txt", "a a\n")]
    for name, text in cases:
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(GraphFileError, match="no edges"):
            load_edgelist(tmp_path / name)


def test_population_must_match_the_edge_list():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="100") as e:
        build_graph("edgelist", 100, rng, path=EGO)
    assert "4039" in str(e.value)
    assert build_graph("edgelist", None, rng, path=EGO).n == 4039
    assert build_graph("edgelist", 4039, rng, path=EGO).n_edges == 88234


# ------------------------------------------------------------------------------------- scale


@pytest.mark.parametrize("kind", ["small_world", "scale_free"])
def test_builds_a_200k_node_graph(kind):
    n = 200_000
    g = build_graph(kind, n, np.random.default_rng(0), mean_degree=10)
    _assert_simple_csr(g)
    # symmetric: the reversed (col, row) keys are the same set as the (row, col) keys
    rows = _rows(g)
    assert np.array_equal(np.sort(g.indices.astype(np.int64) * n + rows), rows * n + g.indices)
    assert abs(g.degree().mean() - 10) < 0.01
