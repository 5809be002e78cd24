"""Matching arithmetic and the exact 1:N gallery index."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.engine import GalleryBuilder, GalleryIndex, compare, distances, is_match


@pytest.fixture(scope="module")
def random_gallery():
    rng = np.random.default_rng(7)
    matrix = rng.standard_normal((5000, 128)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    ids = np.arange(1000, 6000, dtype=np.int64)
    return ids, matrix, rng


def test_distances_are_float32_euclidean_like_a_plain_norm(random_gallery):
    _, matrix, rng = random_gallery
    probe = rng.standard_normal(128).astype(np.float32)
    got = distances(matrix, probe)
    assert got.dtype == np.float32 and got.shape == (5000,)
    expected = np.linalg.norm(matrix.astype(np.float64) - probe, axis=1)
    assert np.allclose(got, expected, atol=1e-5)


def test_compare_is_symmetric_and_zero_for_identical_vectors(random_gallery):
    _, matrix, _ = random_gallery
    assert compare(matrix[0], matrix[1]) == pytest.approx(compare(matrix[1], matrix[0]))
    assert compare(matrix[2], matrix[2]) == 0.0


def test_a_distance_equal_to_the_threshold_is_a_match_and_above_it_is_not():
    assert is_match(0.6, 0.6)
    assert not is_match(0.6000001, 0.6)
    with pytest.raises(ValueError):
        is_match(0.1, 0.0)


def test_comparing_a_wrongly_shaped_or_non_finite_vector_is_an_error():
    with pytest.raises(ValueError):
        compare(np.zeros(127), np.zeros(128))
    with pytest.raises(ValueError):
        compare(np.full(128, np.nan), np.zeros(128))


def test_gallery_search_returns_the_exact_nearest_neighbours_ranked(random_gallery):
    ids, matrix, rng = random_gallery
    index = GalleryIndex(ids, matrix)
    for _ in range(5):
        probe = matrix[rng.integers(5000)] + rng.normal(0, 0.05, 128).astype(np.float32)
        brute = np.linalg.norm(matrix.astype(np.float64) - probe, axis=1)
        order = np.argsort(brute)[:10]
        got = index.search(probe, top_k=10, threshold=10.0)
        assert [c.subject_ref for c in got] == [int(ids[i]) for i in order]
        assert np.allclose([c.distance for c in got], brute[order], atol=1e-5)


def test_gallery_search_keeps_only_candidates_within_the_threshold(random_gallery):
    ids, matrix, _ = random_gallery
    index = GalleryIndex(ids, matrix)
    probe = matrix[42]
    got = index.search(probe, top_k=5, threshold=0.5)  # random unit vectors are ~1.41 apart
    assert [(c.subject_ref, round(c.distance, 5)) for c in got] == [(1042, 0.0)]
    result = index.identify(-probe, top_k=5, threshold=0.5)
    assert result.unknown and result.candidates == ()


def test_gallery_index_uses_the_given_float32_matrix_without_a_copy(random_gallery):
    ids, matrix, _ = random_gallery
    index = GalleryIndex(ids, matrix)
    assert np.shares_memory(index._matrix, matrix)
    assert index.nbytes <= 1.2 * matrix.nbytes
    assert index.nbytes == matrix.nbytes + 5000 * (4 + 8)


def test_gallery_builder_fills_a_preallocated_matrix_row_by_row(random_gallery):
    ids, matrix, _ = random_gallery
    builder = GalleryBuilder(100)
    buffer = builder._matrix
    for row in range(100):
        builder.add(int(ids[row]), matrix[row])
    with pytest.raises(OverflowError):
        builder.add(0, matrix[0])
    index = builder.build()
    assert np.shares_memory(index._matrix, buffer)  # no second copy was made
    probe = matrix[17]
    assert index.search(probe, top_k=1)[0].subject_ref == int(ids[17])


def test_gallery_refuses_a_matrix_of_the_wrong_shape_or_mismatched_ids():
    with pytest.raises(ValueError):
        GalleryIndex(np.arange(3), np.zeros((3, 64), dtype=np.float32))
    with pytest.raises(ValueError):
        GalleryIndex(np.arange(2), np.zeros((3, 128), dtype=np.float32))


def test_an_empty_gallery_knows_nobody():
    index = GalleryBuilder(0).build()
    assert len(index) == 0
    assert index.identify(np.zeros(128, dtype=np.float32)).unknown


def test_gallery_refuses_templates_with_nan_or_infinity():
    matrix = np.zeros((4, 128), dtype=np.float32)
    matrix[2, 5] = np.nan
    with pytest.raises(ValueError):
        GalleryIndex(np.arange(4), matrix)
    builder = GalleryBuilder(2)
    with pytest.raises(ValueError):
        builder.add_many(np.arange(2), np.full((2, 128), np.inf, dtype=np.float32))


# --- incremental updates: appends into spare capacity, tombstones ------------------------------


def _answers(index, probes, top_k=5, threshold=10.0):
    return [[(c.subject_ref, c.distance) for c in index.search(p, top_k=top_k,
                                                                 threshold=threshold)]
            for p in probes]


def test_an_appended_index_answers_exactly_like_one_built_from_scratch(random_gallery):
    ids, matrix, rng = random_gallery
    index = GalleryIndex(ids[:4000], matrix[:4000].copy())
    for start in range(4000, 5000, 100):  # ten enrolment bursts
        index = index.updated(ids=ids[start:start + 100], rows=matrix[start:start + 100])
    fresh = GalleryIndex(ids, matrix.copy())
    probes = [matrix[n] + np.float32(0.01) for n in (0, 3999, 4000, 4999)]
    probes += list(rng.standard_normal((4, 128)).astype(np.float32))
    assert _answers(index, probes) == _answers(fresh, probes)
    assert len(index) == 5000 and np.array_equal(index.ids, ids)
    assert np.array_equal(index.matrix, matrix)


def test_an_append_writes_into_spare_capacity_without_disturbing_the_old_snapshot(
        random_gallery):
    ids, matrix, _ = random_gallery
    first = GalleryIndex(ids[:1000], matrix[:1000].copy())
    second = first.updated(ids=ids[1000:1001], rows=matrix[1000:1001])  # grows: one copy
    third = second.updated(ids=ids[1001:1002], rows=matrix[1001:1002])  # in place
    assert np.shares_memory(second.matrix, third.matrix)
    assert not np.shares_memory(first.matrix, second.matrix)
    assert len(first) == 1000 and len(second) == 1001 and len(third) == 1002
    probe = matrix[1001]
    assert second.search(probe, top_k=1, threshold=10)[0].subject_ref != ids[1001]
    assert third.search(probe, top_k=1, threshold=10)[0].subject_ref == ids[1001]
    # Updating an older snapshot again never rewrites rows a newer one reads.
    other = second.updated(ids=np.array([-7]), rows=matrix[0:1] + np.float32(5))
    assert not np.shares_memory(other.matrix, third.matrix)
    assert third.search(probe, top_k=1, threshold=10)[0].subject_ref == ids[1001]
    assert other.search(matrix[0] + np.float32(5), top_k=1, threshold=10)[0].subject_ref == -7


def test_a_tombstoned_row_is_never_returned_even_when_fewer_rows_than_k_remain(random_gallery):
    ids, matrix, _ = random_gallery
    index = GalleryIndex(ids[:3], matrix[:3].copy())
    keep = np.array([True, False, True])
    removed = index.updated(keep=keep)
    assert len(removed) == 2 and removed.tombstones == 1 and removed.row_count == 3
    assert [c.subject_ref for c in removed.search(matrix[1], top_k=5, threshold=10)] \
        == sorted([ids[0], ids[2]], key=lambda s: float(np.linalg.norm(
            matrix[s - 1000] - matrix[1])))
    assert ids[1] not in index.updated(keep=keep).ids
    # Tombstones stay tombstones through later appends, and the old snapshot still has the row.
    later = removed.updated(keep=np.ones(3, dtype=bool), ids=ids[3:4], rows=matrix[3:4])
    assert ids[1] not in [c.subject_ref for c in later.search(matrix[1], top_k=5, threshold=10)]
    assert index.search(matrix[1], top_k=1, threshold=10)[0].subject_ref == ids[1]
    compact = later.compacted()
    assert compact.tombstones == 0 and compact.row_count == 3
    assert np.array_equal(compact.ids, later.ids)
    probes = [matrix[n] for n in range(4)]
    assert _answers(compact, probes) == _answers(later, probes)
    assert removed.updated(keep=np.zeros(3, dtype=bool)).search(matrix[0], threshold=10) == []


def test_ties_keep_the_subject_id_order_after_appends():
    row = np.full((1, 128), 0.1, dtype=np.float32)
    index = GalleryIndex(np.array([9]), row.copy())
    index = index.updated(ids=np.array([3]), rows=row)
    index = index.updated(ids=np.array([5]), rows=row)
    assert [c.subject_ref for c in index.search(row[0], top_k=3)] == [3, 5, 9]
