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
