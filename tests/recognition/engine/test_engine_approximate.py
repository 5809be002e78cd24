"""The approximate (FAISS) gallery index: GalleryIndex's result shape, distances and tie order,
the recall measurement that gates it, and the same top-1 as exact search on the photos."""

import numpy as np
import pytest

from recognition.engine import GalleryIndex
from recognition.engine.approximate import (
    ApproximateGalleryIndex,
    IndexConfig,
    index_for,
    recall_at_1,
    recall_probes,
)

pytest.importorskip("faiss")


def clustered(n: int, clusters: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, 128)).astype(np.float32) * 0.1
    return (centres[rng.integers(0, clusters, n)]
            + rng.standard_normal((n, 128)).astype(np.float32) * 0.03)


@pytest.mark.parametrize("config", [IndexConfig(kind="ivf", nlist=16, nprobe=16),
                                    IndexConfig(kind="hnsw", ef_search=256)])
def test_same_candidates_distances_and_tie_order_as_exact(config):
    matrix = clustered(3000, 20)
    matrix[2500] = matrix[17]  # two people at exactly the same distance from any probe
    exact = GalleryIndex(np.arange(3000), matrix)
    approximate = ApproximateGalleryIndex(exact, config)
    assert len(approximate) == 3000 and approximate.nbytes > exact.nbytes
    probe = matrix[17] + 0.001
    want = exact.search(probe, top_k=5, threshold=9)
    got = approximate.search(probe, top_k=5, threshold=9)
    assert got == want  # same Candidate objects: ids, float32 exact distances, order
    assert [c.subject_ref for c in got[:2]] == [17, 2500]  # the tie, by subject id
    # The threshold cuts the same way, and "unknown" is the same answer.
    assert approximate.search(probe, top_k=5, threshold=0.01) == \
        exact.search(probe, top_k=5, threshold=0.01)
    far = np.full(128, 5.0, dtype=np.float32)
    assert approximate.identify(far).unknown and exact.identify(far).unknown


def test_exact_is_the_default_and_stays_the_plain_index():
    exact = GalleryIndex(np.arange(10), clustered(10, 2))
    assert index_for(exact, IndexConfig()) is exact
    assert index_for(exact, None) is exact
    with pytest.raises(ValueError):
        IndexConfig(kind="annoy")
    with pytest.raises(ValueError):
        IndexConfig(kind="ivf", nprobe=0)


def test_recall_measurement_tells_a_bad_configuration_from_a_good_one():
    matrix = clustered(20000, 64)
    exact = GalleryIndex(np.arange(20000), matrix)
    probes = recall_probes(matrix, count=1000, noise=0.35)
    bad = recall_at_1(exact, ApproximateGalleryIndex(
        exact, IndexConfig(kind="ivf", nlist=512, nprobe=1)), probes)
    good = recall_at_1(exact, ApproximateGalleryIndex(
        exact, IndexConfig(kind="ivf", nlist=64, nprobe=32)), probes)
    assert bad.recall_at_1 < 0.999 <= good.recall_at_1
    assert good.probes == 1000 and good.templates == 20000


def test_top1_on_the_photo_templates_is_the_exact_top1(people_templates):
    paths = sorted(people_templates)
    matrix = np.stack([people_templates[p].vector for p in paths])
    exact = GalleryIndex(np.arange(len(paths)), matrix)
    for config in (IndexConfig(kind="ivf", nlist=4, nprobe=4), IndexConfig(kind="hnsw")):
        approximate = ApproximateGalleryIndex(exact, config)
        for n, path in enumerate(paths):
            others = np.arange(len(paths)) != n  # each photo against everyone else
            exact_rest = GalleryIndex(np.flatnonzero(others), matrix[others])
            approx_rest = ApproximateGalleryIndex(exact_rest, config)
            assert approx_rest.search(matrix[n], top_k=1) == \
                exact_rest.search(matrix[n], top_k=1), path
            assert approximate.search(matrix[n], top_k=3) == exact.search(matrix[n], top_k=3)
