"""Vault crypto primitives: envelope encryption and the secret template transform."""

from __future__ import annotations

import itertools
import struct

import numpy as np
import pytest

from recognition.vault.crypto import (
    FORMAT_V1,
    NONCE_BYTES,
    TemplateTransform,
    VaultError,
    generate_key,
    open_sealed,
    seal,
    unwrap_key,
    vector_from_bytes,
    vector_to_bytes,
    wrap_key,
)

AAD = b"facegov/template/v1|deployment=1|subject=s-1"


def test_generated_keys_are_32_random_bytes():
    keys = {generate_key() for _ in range(20)}
    assert len(keys) == 20 and all(len(k) == 32 for k in keys)


def test_sealed_data_opens_with_the_same_key_and_aad():
    key = generate_key()
    sealed = seal(key=key, plaintext=b"template bytes", aad=AAD)
    assert sealed[0] == FORMAT_V1
    assert len(sealed) == 1 + NONCE_BYTES + len(b"template bytes") + 16
    assert open_sealed(key=key, sealed=sealed, aad=AAD) == b"template bytes"


def test_sealing_twice_uses_fresh_nonces():
    key = generate_key()
    a = seal(key=key, plaintext=b"x" * 64, aad=AAD)
    b = seal(key=key, plaintext=b"x" * 64, aad=AAD)
    assert a[1 : 1 + NONCE_BYTES] != b[1 : 1 + NONCE_BYTES] and a != b


def test_opening_with_a_wrong_key_fails_with_decryption_failed():
    sealed = seal(key=generate_key(), plaintext=b"secret", aad=AAD)
    with pytest.raises(VaultError) as info:
        open_sealed(key=generate_key(), sealed=sealed, aad=AAD)
    assert info.value.code == "decryption_failed"


def test_opening_with_another_records_aad_fails():
    key = generate_key()
    sealed = seal(key=key, plaintext=b"secret", aad=AAD)
    with pytest.raises(VaultError) as info:
        open_sealed(key=key, sealed=sealed, aad=b"facegov/template/v1|deployment=1|subject=s-2")
    assert info.value.code == "decryption_failed"


def test_any_altered_byte_is_detected():
    key = generate_key()
    sealed = bytearray(seal(key=key, plaintext=b"secret template", aad=AAD))
    for position in (1, NONCE_BYTES + 1, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        with pytest.raises(VaultError, match="decryption_failed"):
            open_sealed(key=key, sealed=bytes(tampered), aad=AAD)


def test_an_unknown_format_version_or_short_input_is_refused():
    key = generate_key()
    sealed = bytearray(seal(key=key, plaintext=b"x", aad=AAD))
    sealed[0] = 99
    with pytest.raises(VaultError) as info:
        open_sealed(key=key, sealed=bytes(sealed), aad=AAD)
    assert info.value.code == "unsupported_format"
    with pytest.raises(VaultError, match="decryption_failed"):
        open_sealed(key=key, sealed=b"\x01short", aad=AAD)


def test_keys_of_the_wrong_length_are_refused():
    with pytest.raises(VaultError, match="invalid_key"):
        seal(key=b"k" * 16, plaintext=b"x", aad=AAD)


def test_wrapped_keys_unwrap_only_with_the_same_kek_and_aad():
    kek, key = generate_key(), generate_key()
    wrapped = wrap_key(kek=kek, key=key, aad=b"deployment=1")
    assert key not in wrapped
    assert unwrap_key(kek=kek, wrapped=wrapped, aad=b"deployment=1") == key
    with pytest.raises(VaultError, match="decryption_failed"):
        unwrap_key(kek=generate_key(), wrapped=wrapped, aad=b"deployment=1")
    with pytest.raises(VaultError, match="decryption_failed"):
        unwrap_key(kek=kek, wrapped=wrapped, aad=b"deployment=2")


def test_envelope_chain_master_to_deployment_to_subject_to_template(people_templates):
    master, deployment_key, data_key = generate_key(), generate_key(), generate_key()
    wrapped_deployment = wrap_key(kek=master, key=deployment_key, aad=b"dep=1")
    wrapped_data = wrap_key(kek=deployment_key, key=data_key, aad=b"dep=1|subj=a")
    plaintext = vector_to_bytes(people_templates["people/obama/obama_1.jpg"].vector)
    sealed = seal(key=data_key, plaintext=plaintext, aad=AAD)

    d = unwrap_key(kek=master, wrapped=wrapped_deployment, aad=b"dep=1")
    k = unwrap_key(kek=d, wrapped=wrapped_data, aad=b"dep=1|subj=a")
    assert vector_from_bytes(open_sealed(key=k, sealed=sealed, aad=AAD)).tobytes() == plaintext


def test_ciphertext_contains_no_bytes_of_the_plaintext_vector(people_templates):
    plaintext = vector_to_bytes(people_templates["people/obama/obama_1.jpg"].vector)
    sealed = seal(key=generate_key(), plaintext=plaintext, aad=AAD)
    assert plaintext not in sealed
    # Not even one float32 component (4 bytes, aligned as stored) leaks verbatim.
    leaked = [plaintext[i : i + 4] for i in range(0, 512, 4) if plaintext[i : i + 4] in sealed]
    assert len(leaked) <= 1  # a 4-byte coincidence in 540 random bytes has p ~ 1.6e-5 each


def test_vectors_serialise_as_512_bytes_of_little_endian_float32():
    vector = np.linspace(-1, 1, 128, dtype=np.float32)
    data = vector_to_bytes(vector)
    assert data == struct.pack("<128f", *vector.tolist())
    back = vector_from_bytes(data)
    assert back.dtype == np.float32 and np.array_equal(back, vector)
    with pytest.raises(ValueError):
        vector_from_bytes(data[:-4])
    with pytest.raises(ValueError):
        vector_to_bytes(np.zeros(64, dtype=np.float32))


def test_template_transform_is_orthogonal_and_deterministic_per_secret():
    secret = generate_key()
    a, b = TemplateTransform(secret), TemplateTransform(secret)
    assert np.array_equal(a._matrix, b._matrix)
    q = a._matrix.astype(np.float64)
    assert np.allclose(q @ q.T, np.eye(128), atol=1e-5)
    assert not np.allclose(TemplateTransform(generate_key())._matrix, a._matrix)


def test_template_transform_preserves_distances_between_real_faces(people_templates):
    transform = TemplateTransform(generate_key())
    vectors = [t.vector for t in people_templates.values()]
    for x, y in itertools.combinations(vectors, 2):
        before = np.linalg.norm(x - y)
        after = np.linalg.norm(transform.apply(x) - transform.apply(y))
        assert after == pytest.approx(before, abs=1e-5)
    assert transform.apply(np.stack(vectors)).shape == (14, 128)
    assert transform.apply(vectors[0]).dtype == np.float32


def test_the_same_face_under_two_secrets_does_not_match(people_templates):
    # Fixed secrets keep the test deterministic (random ones fail with p < 1e-4 anyway).
    one, two = TemplateTransform(b"\x01" * 32), TemplateTransform(b"\x02" * 32)
    for template in people_templates.values():
        distance = np.linalg.norm(one.apply(template.vector) - two.apply(template.vector))
        assert distance > 1.0  # far above the 0.6 match threshold
