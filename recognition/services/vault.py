"""The template vault: envelope encryption, transforms, crypto-shredding.

Every ciphertext is bound (AES-GCM associated data) to the deployment, the subject and the row
it belongs to, so a sealed template copied into another row or deployment cannot be opened.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Mod
from django.utils import timezone

from governance.models import Deployment
from governance.platform.crypto import KeyPurpose, derive_key
from governance.services.filings import deployment_stored_subjects_record
from recognition.engine import ENGINE_VERSION, MODEL_VERSION
from recognition.models import DeploymentKey, FaceImage, Template, VaultSubject
from recognition.retention import subject_retention_refresh
from recognition.vault.crypto import (
    TemplateTransform,
    generate_key,
    open_sealed,
    seal,
    unwrap_key,
    vector_from_bytes,
    vector_to_bytes,
    wrap_key,
)


def vault_kek() -> bytes:
    """The key-encryption key of deployment keys: derived from the master key under its own
    label (governance/platform/crypto.py), like every other use of the master key."""
    return derive_key(KeyPurpose.TEMPLATE_VAULT)


def _aad(kind: str, **parts: object) -> bytes:
    return "|".join([f"facegov/{kind}/v1", *(f"{k}={v}" for k, v in parts.items())]).encode()


@dataclass(frozen=True)
class DeploymentSecrets:
    key: bytes
    transform: TemplateTransform
    transform_version: int


@lru_cache(maxsize=256)
def _transform(secret: bytes) -> TemplateTransform:
    return TemplateTransform(secret)


def deployment_key_ensure(*, deployment: Deployment) -> DeploymentKey:
    """The deployment's key row, created on first use (race-safe via get_or_create)."""
    existing = DeploymentKey.objects.filter(deployment=deployment).first()
    if existing:
        return existing
    key, secret = generate_key(), generate_key()
    with transaction.atomic():
        row, _ = DeploymentKey.objects.get_or_create(
            deployment=deployment,
            defaults={
                "wrapped_key": wrap_key(kek=vault_kek(), key=key,
                                        aad=_aad("deployment-key", deployment=deployment.id,
                                                 version=1)),
                "sealed_transform_secret": seal(
                    key=key, plaintext=secret,
                    aad=_aad("transform", deployment=deployment.id, version=1)),
            },
        )
    return row


def deployment_secrets(row: DeploymentKey) -> DeploymentSecrets:
    return _secrets(vault_kek(), row.deployment_id, row.key_version, bytes(row.wrapped_key),
                    row.transform_version, bytes(row.sealed_transform_secret))


@lru_cache(maxsize=256)
def _secrets(kek: bytes, deployment_id: int, key_version: int, wrapped_key: bytes,
             transform_version: int, sealed_transform_secret: bytes) -> DeploymentSecrets:
    """Unwrapped once per process for the exact stored bytes: a rotation writes new bytes
    (a new cache entry), so a cached key is never used for a row it does not belong to."""
    key = unwrap_key(kek=kek, wrapped=wrapped_key,
                     aad=_aad("deployment-key", deployment=deployment_id, version=key_version))
    secret = open_sealed(key=key, sealed=sealed_transform_secret,
                         aad=_aad("transform", deployment=deployment_id,
                                  version=transform_version))
    return DeploymentSecrets(key=key, transform=_transform(secret),
                             transform_version=transform_version)


def _subject_aad(subject: VaultSubject) -> bytes:
    return _subject_aad_of(subject.deployment_id, subject.subject_ref, subject.key_id)


def _subject_aad_of(deployment_id: int, subject_ref: str, key_id: object) -> bytes:
    return _aad("subject-key", deployment=deployment_id, subject=subject_ref, key=key_id)


def _template_aad(subject: VaultSubject, template: Template) -> bytes:
    return _template_aad_of(subject.deployment_id, subject.subject_ref, template.nonce_id)


def _template_aad_of(deployment_id: int, subject_ref: str, nonce_id: object) -> bytes:
    return _aad("template", deployment=deployment_id, subject=subject_ref, template=nonce_id)


def _image_aad(subject: VaultSubject, image: FaceImage) -> bytes:
    return _aad("image", deployment=subject.deployment_id, subject=subject.subject_ref,
                image=image.nonce_id)


def subject_data_key(subject: VaultSubject, secrets: DeploymentSecrets) -> bytes:
    return unwrap_key(kek=secrets.key, wrapped=bytes(subject.wrapped_data_key),
                      aad=_subject_aad(subject))


@transaction.atomic
def template_store(*, deployment: Deployment, subject_ref: str, vector: np.ndarray,
                   image: bytes | None = None, image_content_type: str = "") -> Template:
    """Seal one template for the subject (creating the subject and its data key if new) and
    bump the gallery version so every process reloads its 1:N index."""
    row = deployment_key_ensure(deployment=deployment)
    secrets = deployment_secrets(row)
    now = timezone.now()
    subject = VaultSubject.objects.select_for_update().filter(
        deployment=deployment, subject_ref=subject_ref).first()
    if subject is None:
        subject = VaultSubject(deployment=deployment, subject_ref=subject_ref,
                               last_interaction_at=now)
        subject.wrapped_data_key = wrap_key(kek=secrets.key, key=generate_key(),
                                            aad=_subject_aad(subject))
        subject.save()
        stored_subjects_report(deployment)
    data_key = subject_data_key(subject, secrets)
    template = Template(subject=subject, transform_version=secrets.transform_version,
                        engine_version=ENGINE_VERSION, model_version=MODEL_VERSION)
    stored = secrets.transform.apply(vector)
    template.sealed_vector = seal(key=data_key, plaintext=vector_to_bytes(stored),
                                  aad=_template_aad(subject, template))
    template.save()
    if image is not None:
        face_image = FaceImage(subject=subject, content_type=image_content_type)
        face_image.sealed_image = seal(key=data_key, plaintext=image,
                                       aad=_image_aad(subject, face_image))
        face_image.save()
    VaultSubject.objects.filter(id=subject.id).update(last_interaction_at=now)
    # delete_after is computed as the rows are written: the new ones, and the subject's older
    # ones whose last-interaction clock just restarted.
    subject_retention_refresh(deployment=deployment,
                              subjects=VaultSubject.objects.filter(id=subject.id))
    gallery_version_bump(deployment_id=deployment.id)
    template.refresh_from_db(fields=["delete_after", "delete_trigger"])
    return template


def stored_subjects_report(deployment: Deployment) -> None:
    """Governance opens the CAC Art. 15 filing when a deployment stores 100,000 people."""
    deployment_stored_subjects_record(
        deployment=deployment,
        stored_subjects=VaultSubject.objects.filter(deployment=deployment).count())


def gallery_version_bump(*, deployment_id: int) -> None:
    DeploymentKey.objects.filter(deployment_id=deployment_id).update(
        gallery_version=F("gallery_version") + 1)


def subject_vectors(*, subject: VaultSubject, secrets: DeploymentSecrets) -> np.ndarray:
    """The subject's stored (transformed) templates as an (n, 128) float32 matrix."""
    data_key = subject_data_key(subject, secrets)
    rows = [vector_from_bytes(open_sealed(key=data_key, sealed=bytes(t.sealed_vector),
                                          aad=_template_aad(subject, t)))
            for t in subject.templates.all()]
    return np.stack(rows) if rows else np.empty((0, 128), dtype=np.float32)


@dataclass(frozen=True)
class EnrolledSubject:
    subject_id: int
    secrets: DeploymentSecrets
    vectors: np.ndarray  # (n, 128) float32, transformed as stored


def subject_enrolled_load(*, deployment: Deployment, subject_ref: str) -> EnrolledSubject | None:
    """The subject's stored templates, decrypted, with the deployment's secrets — one query
    (templates joined to their subject and the deployment's key row). None when the subject
    has no template here."""
    key = "subject__deployment__vault_key__"
    rows = list(Template.objects.filter(subject__deployment=deployment,
                                        subject__subject_ref=subject_ref)
                .order_by("id")
                .values_list("subject_id", "subject__key_id", "subject__wrapped_data_key",
                             "nonce_id", "sealed_vector", f"{key}key_version",
                             f"{key}wrapped_key", f"{key}transform_version",
                             f"{key}sealed_transform_secret"))
    if not rows:
        return None
    subject_id, key_id, wrapped, _, _, key_version, wrapped_key, transform_version, sealed = rows[0]
    secrets = _secrets(vault_kek(), deployment.id, key_version, bytes(wrapped_key),
                       transform_version, bytes(sealed))
    data_key = unwrap_key(kek=secrets.key, wrapped=bytes(wrapped),
                          aad=_subject_aad_of(deployment.id, subject_ref, key_id))
    vectors = [vector_from_bytes(open_sealed(
        key=data_key, sealed=bytes(row[4]),
        aad=_template_aad_of(deployment.id, subject_ref, row[3]))) for row in rows]
    return EnrolledSubject(subject_id=subject_id, secrets=secrets, vectors=np.stack(vectors))


def gallery_templates(*, deployment_id: int, part: tuple[int, int] | None = None):  # noqa: ANN201
    """The deployment's templates, or those of one part `(part, parts)` of its gallery (the
    subjects whose id is `part` modulo `parts`: a person's templates stay in one part)."""
    rows = Template.objects.filter(subject__deployment_id=deployment_id)
    if part is not None and part[1] > 1:
        rows = rows.alias(part=Mod("subject_id", part[1])).filter(part=part[0])
    return rows


def gallery_rows(*, deployment_id: int, secrets: DeploymentSecrets,
                 batch_size: int = 2000,
                 part: tuple[int, int] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(subject id, stored vector) for every template of the deployment, decrypted in batches
    so a large gallery streams into a preallocated matrix without a second copy.

    Plain column tuples, not model instances: building two model objects per row (and parsing
    their unused timestamps) was 60% of a 100,000-template cold load (benchmarks/
    vault_gallery_load.py)."""
    for _, subject_id, vector in gallery_rows_with_ids(
            deployment_id=deployment_id, secrets=secrets, batch_size=batch_size, part=part):
        yield subject_id, vector


@dataclass(frozen=True)
class StoredGallery:
    """A deployment's whole gallery, decrypted: its key row, its secrets, the stored
    (transformed) vectors and each row's subject reference."""

    key: DeploymentKey
    secrets: DeploymentSecrets
    vectors: np.ndarray  # (n, 128) float32, as stored
    refs: list[str]


def gallery_with_refs(*, deployment_id: int) -> StoredGallery | None:
    """The deployment's gallery with its people's references (leak tracing's copy of a
    deployment's space, the canaries' raw gallery); None when it has no key yet."""
    row = DeploymentKey.objects.filter(deployment_id=deployment_id).first()
    if row is None:
        return None
    secrets = deployment_secrets(row)
    ids, vectors = [], []
    for subject_id, vector in gallery_rows(deployment_id=deployment_id, secrets=secrets):
        ids.append(subject_id)
        vectors.append(vector)
    names = dict(VaultSubject.objects.filter(id__in=set(ids)).values_list("id", "subject_ref"))
    stored = np.stack(vectors) if vectors else np.empty((0, 128), np.float32)
    return StoredGallery(row, secrets, stored, [names[i] for i in ids])


def gallery_rows_with_ids(*, deployment_id: int, secrets: DeploymentSecrets,
                          batch_size: int = 2000, part: tuple[int, int] | None = None,
                          template_ids: list[int] | None = None,
                          ) -> Iterator[tuple[int, int, np.ndarray]]:
    """`gallery_rows` with each row's template id; only `template_ids` when given (a shard
    worker appending what was enrolled since it loaded)."""
    rows = gallery_templates(deployment_id=deployment_id, part=part)
    if template_ids is not None:
        rows = rows.filter(id__in=template_ids)
    rows = rows.order_by("subject_id", "id").values_list(
        "id", "subject_id", "subject__subject_ref", "subject__key_id",
        "subject__wrapped_data_key", "nonce_id", "sealed_vector")
    current_subject, data_key = None, b""
    for template_id, subject_id, subject_ref, key_id, wrapped, nonce_id, sealed in rows.iterator(
            chunk_size=batch_size):
        if subject_id != current_subject:  # rows arrive grouped by subject: one key at a time
            data_key = unwrap_key(kek=secrets.key, wrapped=bytes(wrapped),
                                  aad=_subject_aad_of(deployment_id, subject_ref, key_id))
            current_subject = subject_id
        plain = open_sealed(key=data_key, sealed=bytes(sealed),
                            aad=_template_aad_of(deployment_id, subject_ref, nonce_id))
        yield template_id, subject_id, vector_from_bytes(plain)


@dataclass(frozen=True)
class RotationReport:
    deployment_id: int
    key_version: int
    transform_version: int
    subjects: int
    templates: int


@transaction.atomic
def deployment_vault_rotate(*, deployment: Deployment, rotate_key: bool = True,
                            rotate_transform: bool = False,
                            progress: Callable[[int], None] | None = None) -> RotationReport:
    """Re-wrap every subject key under a new deployment key and/or re-issue every template
    under a new secret transform (ISO/IEC 24745 renewability: a leaked gallery is revoked by
    issuing new templates that do not match the old ones). One transaction per deployment,
    holding the key row's lock, so no enrolment interleaves with a half-rotated vault."""
    row = DeploymentKey.objects.select_for_update().get(deployment=deployment)
    old = deployment_secrets(row)
    new_key = generate_key() if rotate_key else old.key
    new_transform_secret = generate_key() if rotate_transform else None
    key_version = row.key_version + (1 if rotate_key else 0)
    transform_version = row.transform_version + (1 if rotate_transform else 0)
    new_transform = _transform(new_transform_secret) if new_transform_secret else old.transform
    subjects = templates = 0
    for subject in VaultSubject.objects.filter(deployment=deployment).select_for_update():
        data_key = subject_data_key(subject, old)
        if rotate_transform:
            templates += _reissue_templates(subject, data_key, old.transform, new_transform,
                                            transform_version)
        if rotate_key:
            subject.wrapped_data_key = wrap_key(kek=new_key, key=data_key,
                                                aad=_subject_aad(subject))
            subject.save(update_fields=["wrapped_data_key"])
        subjects += 1
        if progress:
            progress(1)
    secret = open_sealed(key=old.key, sealed=bytes(row.sealed_transform_secret),
                         aad=_aad("transform", deployment=deployment.id,
                                  version=row.transform_version))
    if rotate_transform:
        # Leak tracing: the old space stays derivable, so a copy taken before this rotation
        # still names its version and window (recognition/services/leaks.py).
        from recognition.services.leaks import transform_archive_record

        transform_archive_record(deployment_id=deployment.id, version=row.transform_version,
                                 secret=secret, created_at=row.created_at,
                                 valid_until=timezone.now())
        secret = new_transform_secret
    row.key_version, row.transform_version = key_version, transform_version
    row.wrapped_key = wrap_key(kek=vault_kek(), key=new_key,
                               aad=_aad("deployment-key", deployment=deployment.id,
                                        version=key_version))
    row.sealed_transform_secret = seal(key=new_key, plaintext=secret,
                                       aad=_aad("transform", deployment=deployment.id,
                                                version=transform_version))
    row.rotated_at = timezone.now()
    row.gallery_version += 1
    row.save()
    return RotationReport(deployment.id, key_version, transform_version, subjects, templates)


def _reissue_templates(subject: VaultSubject, data_key: bytes, old: TemplateTransform,
                       new: TemplateTransform, transform_version: int) -> int:
    count = 0
    for template in subject.templates.all():
        stored = vector_from_bytes(open_sealed(key=data_key, sealed=bytes(template.sealed_vector),
                                               aad=_template_aad(subject, template)))
        reissued = new.apply(old.invert(stored))
        template.sealed_vector = seal(key=data_key, plaintext=vector_to_bytes(reissued),
                                      aad=_template_aad(subject, template))
        template.transform_version = transform_version
        template.save(update_fields=["sealed_vector", "transform_version"])
        count += 1
    return count
