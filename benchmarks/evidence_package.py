"""Evidence package for court (issue 11): build time, size and verification time for a
complaint whose subject has 10,000 recognition events and 1,000 consent-ledger entries,
beside a baseline measured in the same run: a plain ZIP of the same files (no manifest, no
SHA-256, no signature, no sealing), and reading that plain ZIP back.

The ledgers are filled in bulk with real chained hashes, as chain_append would write them;
every consent entry gets its own signed head (as every append does), so each entry's proof
is looked up as in production. 2,000 events of another subject are interleaved, so the
package's filter has something to leave out.

Measured (median of --repeats):
  build   = evidence_package_build(): gather with proofs, hash, sign, zip, seal and store
  package = package_zip() + sealing of the gathered files (the packaging alone)
  plain   = zipfile of the same gathered files, ZIP_DEFLATED, nothing else      (baseline)
  verify  = package_verify() of the package bytes
  read    = zipfile reading every member of the plain ZIP                         (baseline)

Run: python benchmarks/evidence_package.py [--database-url postgres://...] [--repeats 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import zipfile
from collections.abc import Callable
from typing import Any

from _django import add_database_argument, make_enterprise_deployment, throwaway_django

SUBJECT_EVENTS = 10_000
OTHER_EVENTS = 2_000
CONSENT_ENTRIES = 1_000
BULK = 2_000
SUBJECT = "bench-subject"


def timed(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median seconds over `repeats` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _chain(entries: list[Any]) -> list[Any]:
    """Seal entries onto a new chain exactly as chain_append does, without one query each."""
    from django.utils import timezone

    from governance.platform.ledger import GENESIS_HASH, compute_hash

    previous, now = GENESIS_HASH, timezone.now()
    for sequence, entry in enumerate(entries, start=1):
        entry.sequence, entry.previous_hash, entry.recorded_at = sequence, previous, now
        entry.entry_hash = compute_hash(entry.chain_fields(), previous)
        previous = entry.entry_hash
    return entries


def _heads(ledger: str, entries: list[Any]) -> None:
    from governance.models import SignedLedgerHead
    from governance.platform.ledger import canonical_value
    from governance.platform.ledger_heads import head_sign

    SignedLedgerHead.objects.bulk_create(
        [SignedLedgerHead(**head_sign(ledger=ledger, chain_key=str(e.deployment_id),
                                      sequence=e.sequence, entry_hash=e.entry_hash,
                                      recorded_at=canonical_value(e.recorded_at)).as_dict())
         for e in entries], batch_size=BULK)


def fill(deployment: Any) -> None:
    from governance.models import ConsentLedgerEntry
    from recognition.models import RecognitionEvent

    events = _chain([RecognitionEvent(
        deployment=deployment, operation="verify", purpose="access_control",
        outcome="match" if i % 7 else "no_match", faces=1, distance=0.41, threshold=0.6,
        subject_ref="someone-else" if i % 6 == 5 else SUBJECT,
        matched_refs=[] if i % 6 == 5 else [SUBJECT])
        for i in range(SUBJECT_EVENTS + OTHER_EVENTS)])
    assert sum(e.subject_ref == SUBJECT for e in events) == SUBJECT_EVENTS
    RecognitionEvent.objects.bulk_create(events, batch_size=BULK)
    _heads("recognition events", events[-1:])
    consents = _chain([ConsentLedgerEntry(
        deployment=deployment, kind="given" if i % 2 == 0 else "withdrawn",
        subject_ref=SUBJECT, actor="bench", payload={"purposes": ["access_control"], "n": i})
        for i in range(CONSENT_ENTRIES)])
    ConsentLedgerEntry.objects.bulk_create(consents, batch_size=BULK)
    _heads("consent", consents)


def make_complaint(deployment: Any) -> Any:
    from complaints.services.intake import CaseInput, complaint_submit
    from governance.models import CitizenProfile, SubjectLink, User

    citizen = User.objects.create_user(username="bench-citizen", email="c@example.org",
                                       password="bench-password-not-secret")
    CitizenProfile.objects.create(user=citizen)
    SubjectLink.objects.create(citizen=citizen, deployment=deployment, subject_ref=SUBJECT,
                               via="portal")
    return complaint_submit(citizen=citizen, data=CaseInput(
        category="no_consent", deployment_id=deployment.id,
        description="The gate recognised me thousands of times after I withdrew."))


def plain_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


def read_all(data: bytes) -> int:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return sum(len(archive.read(name)) for name in archive.namelist())


def run(repeats: int) -> None:
    from complaints.models import EvidencePackage
    from complaints.services.packages import (
        evidence_package_build,
        evidence_package_files,
        package_verify,
        package_zip,
    )
    from governance.platform.uploads import ARCHIVE_POLICY, upload_read, upload_store

    deployment, _ = make_enterprise_deployment()
    start = time.perf_counter()
    fill(deployment)
    complaint = make_complaint(deployment)
    print(f"filled {SUBJECT_EVENTS:,} + {OTHER_EVENTS:,} events, {CONSENT_ENTRIES:,} consent "
          f"entries (each with its signed head) in {time.perf_counter() - start:.1f} s")

    def build() -> EvidencePackage:
        package = EvidencePackage.objects.create(complaint=complaint,
                                                 requested_by=complaint.complainant)
        assert evidence_package_build(package_id=package.id) == "done"
        return EvidencePackage.objects.get(pk=package.pk)

    t_build, package = timed(build, repeats)
    data = upload_read(sealed=package.sealed)
    files, heads = evidence_package_files(complaint)
    t_gather, _ = timed(lambda: evidence_package_files(complaint), repeats)

    def packaging() -> bytes:
        out = package_zip(files, heads, complaint_id=complaint.id)
        upload_store(file=out, policy=ARCHIVE_POLICY, purpose="bench", name="p.zip")
        return out

    t_package, _ = timed(packaging, repeats)
    t_plain, plain = timed(lambda: plain_zip(files), repeats)
    t_verify, verdict = timed(lambda: package_verify(data), repeats)
    t_read, _ = timed(lambda: read_all(plain), repeats)
    assert verdict.valid, verdict

    records = files["own_records.json"].decode()
    assert "someone-else" not in records
    print(f"package: {len(data):,} bytes ({len(files)} files + manifest + signature); "
          f"own_records.json {len(files['own_records.json']):,} bytes uncompressed")
    print(f"{'measure':<44}{'ours':>10}{'baseline':>10}{'ratio':>8}")
    rows = [
        ("build (full task) vs plain zip of its files", t_build, t_plain),
        ("  of which gathering the records with proofs", t_gather, None),
        ("packaging (hash, sign, zip, seal) vs plain zip", t_package, t_plain),
        ("verification vs reading the plain zip", t_verify, t_read),
    ]
    for label, ours, base in rows:
        if base is None:
            print(f"{label:<44}{ours:>9.3f}s")
        else:
            print(f"{label:<44}{ours:>9.3f}s{base:>9.3f}s{ours / base:>7.1f}x")
    print(f"{'size: package vs plain zip':<44}{len(data):>10,}{len(plain):>10,}"
          f"{len(data) / len(plain):>7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_argument(parser)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with throwaway_django(args.database_url) as where:
        print(f"database: {where}")
        run(args.repeats)


if __name__ == "__main__":
    main()
