"""Social graphs: generators, the edge-list loader, and the degree-normalised neighbour share."""

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sim.graph import GraphFileError, SocialGraph, build_graph, csr_from_edges, load_edgelist

EGO = Path(__file__).resolve().parents[1] / "data" / "ego_facebook_combined.txt"
KINDS = ["small_world", "scale_free", "community"]


def _matrix(g: SocialGraph) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(g.indices.size), g.indices, g.indptr), shape=(g.n, g.n))


@pytest.mark.parametrize("kind", KINDS)
def test_generated_graphs_are_simple_undirected_and_deterministic(kind):
    g = build_graph(kind, 5000, np.random.default_rng(1), mean_degree=10)
    A = _matrix(g)
    assert (A != A.T).nnz == 0
    assert A.diagonal().sum() == 0
    assert A.max() == 1  # no duplicate edges
    assert abs(g.degree().mean() - 10) < 1.0  # duplicates and loops dropped cost a little
    again = build_graph(kind, 5000, np.random.default_rng(1), mean_degree=10)
    other = build_graph(kind, 5000, np.random.default_rng(2), mean_degree=10)
    assert np.array_equal(g.indices, again.indices) and np.array_equal(g.indptr, again.indptr)
    assert not np.array_equal(g.indices, other.indices)


def test_small_world_is_a_ring_lattice_without_rewiring_and_clustered_with_it():
    g = build_graph("small_world", 100, np.random.default_rng(0), mean_degree=4, rewire_prob=0.0)
    assert g.indices[g.indptr[0]:g.indptr[1]].tolist() == [1, 2, 98, 99]
    sw = build_graph("small_world", 2000, np.random.default_rng(0), mean_degree=10, rewire_prob=0.1).to_networkx()
    rnd = nx.gnm_random_graph(2000, sw.number_of_edges(), seed=0)
    assert nx.average_clustering(sw) > 5 * nx.average_clustering(rnd)


def test_scale_free_has_a_heavy_tail_and_communities_mix_as_asked():
    sf = build_graph("scale_free", 20_000, np.random.default_rng(0), mean_degree=10)
    assert sf.degree().max() > 5 * sf.degree().mean()
    n, k, mixing = 10_000, 20, 0.1
    cm = build_graph("community", n, np.random.default_rng(0), mean_degree=10, communities=k, mixing=mixing)
    block = np.arange(n) * k // n
    rows = np.repeat(np.arange(n), np.diff(cm.indptr))
    within = (block[rows] == block[cm.indices]).mean()
    # between-block draws land in the own block 1/k of the time
    expected = 1 - mixing + mixing / k
    assert abs(within - expected) < 0.01


def test_neighbour_share_by_hand_and_mean_field():
    indptr, indices = csr_from_edges(4, np.array([0, 0, 1]), np.array([1, 2, 2]))  # triangle 0-1-2, node 3 alone
    g = SocialGraph(4, indptr, indices)
    x = np.array([1.0, 0.0, 0.0, 1.0])
    assert g.neighbour_share(x).tolist() == pytest.approx([0.0, 0.5, 0.5, 0.0])
    x2 = np.stack([x, 1 - x], axis=1)
    assert g.neighbour_share(x2)[1].tolist() == pytest.approx([0.5, 0.5])
    c = build_graph("complete", 4, np.random.default_rng(0))
    assert c.neighbour_share(x).tolist() == pytest.approx([0.5] * 4)
    assert c.n_edges == 6 and c.degree().tolist() == [3] * 4


def test_loads_the_real_ego_facebook_graph():
    g = load_edgelist(EGO)
    assert (g.n, g.n_edges) == (4039, 88234)


def test_loader_tolerates_ids_comments_duplicates_loops_and_weights(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("# a comment\nalice bob\nbob carol 0.5\n\nalice bob  # duplicate\ncarol carol\nbob alice\n",
                 encoding="utf-8")
    g = load_edgelist(f)
    assert g.n == 3 and g.n_edges == 2
    assert g.node_ids.tolist() == ["alice", "bob", "carol"]
    assert g.degree().tolist() == [1, 2, 1]


@pytest.mark.parametrize("text,line", [("1 2\n2\n", 2), ("1 2\n# c\n2 3 4 5\n", 3)])
def test_malformed_lines_name_the_line(tmp_path, text, line):
    f = tmp_path / "bad.txt"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(GraphFileError) as e:
        load_edgelist(f)
    assert e.value.line == line and str(f) in str(e.value)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(GraphFileError, match="not found"):
        load_edgelist(tmp_path / "none.txt")
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(GraphFileError, match="no edges"):
        load_edgelist(tmp_path / "empty.txt")


def test_population_must_match_the_edge_list():
    with pytest.raises(ValueError, match="4039"):
        build_graph("edgelist", 100, np.random.default_rng(0), path=EGO)
