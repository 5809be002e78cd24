"""Every industry-audit probe for one member, against computing the same answers by reading
the rows one by one in Python — measured in the same run.

The member has 20 active deployments; their consent ledgers hold CONSENTS entries and their
recognition logs EVENTS entries (public 1:N identifications with liveness), split evenly, each
chain hash-linked as chain_append links it and its newest entry signed and published as a
head (governance/platform/ledger_heads.py). Consent rows are created beside their ledger
entries; every deployment has a notice, an impact assessment and a public threshold record.

Figure: the wall time of `probe_evidence()` for every registered probe (each answer stored as
evidence with the chain heads read). Baseline, same data, same run: the same answers computed
the naive way — every consent and recognition entry and every filing / rights request read
into Python one row at a time (the hashing done identically), counts taken in Python. The
ratio shows what reading aggregates saves beyond the unavoidable chain walk (the chain probes
must hash every entry; the rest are COUNTs).

Run: python benchmarks/industry_probes.py            (quick: 20,000 consents + 20,000 events)
     python benchmarks/industry_probes.py --full     (100,000 consents + 100,000 recognition
                                                      events, the issue's size)
     DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/facegov_bench_industry;
     the benchmark creates and drops its own test_… database there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid

from _common import REPO_ROOT  # noqa: F401  (sets sys.path)

DEPLOYMENTS = 20
BLOCK = 5_000


def fill_chain(model, deployment, rows: list, now) -> None:  # type: ignore[no-untyped-def]
    """Hash-link `rows` (unsaved entries of one chain) as chain_append would, bulk-insert
    them, and sign and publish the newest as the chain's head."""
    from django.db import transaction

    from governance.platform.ledger import GENESIS_HASH, compute_hash, ledger_of
    from governance.platform.ledger_heads import head_record

    previous = GENESIS_HASH
    for sequence, entry in enumerate(rows, start=1):
        entry.sequence, entry.previous_hash, entry.recorded_at = sequence, previous, now
        entry.entry_hash = compute_hash(entry.chain_fields(), previous)
        previous = entry.entry_hash
    for start in range(0, len(rows), BLOCK):
        model.objects.bulk_create(rows[start:start + BLOCK])
    with transaction.atomic():
        head_record(ledger=ledger_of(model).name, entry=rows[-1])


def fill(consents: int, events: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone
    from tqdm import tqdm

    from governance.models import (
        Consent,
        ConsentLedgerEntry,
        Deployment,
        DeploymentNotice,
        DeploymentStatus,
        ImpactAssessment,
        Interest,
        Mode,
        Organisation,
        OrganisationKind,
        PlaceType,
        Scenario,
        ThresholdChange,
    )
    from recognition.models import Operation, Outcome, RecognitionEvent

    now = timezone.now()
    organisation = Organisation.objects.create(name="Bench member", slug="bench-member",
                                               kind=OrganisationKind.ENTERPRISE,
                                               region="Demo Province")
    per_consents, per_events = consents // DEPLOYMENTS, events // DEPLOYMENTS
    for d in tqdm(range(DEPLOYMENTS), desc="filling", unit="deployment", leave=False):
        deployment = Deployment.objects.create(
            organisation=organisation, name=f"Bench station {d}",
            scenario=Scenario.TRANSPORTATION, mode=Mode.IDENTIFICATION_REALTIME,
            place_type=PlaceType.TRANSPORT_HUB, is_public_place=True, has_signage=True,
            interest=Interest.PUBLIC, status=DeploymentStatus.ACTIVE,
            non_face_alternative="Show a ticket to the staff at the gate instead.",
            activated_at=now)
        notice = DeploymentNotice.objects.create(deployment=deployment, version=1,
                                                 published_at=now, text="Notice.")
        ImpactAssessment.objects.create(deployment=deployment, version=1, answers={}, score=0,
                                        risk_level="low", completed_at=now,
                                        keep_until=now + dt.timedelta(days=1100))
        ThresholdChange.objects.create(deployment=deployment, threshold=deployment.threshold)
        rows = [Consent(deployment=deployment, subject_ref=f"s-{d}-{i}", notice=notice,
                        notice_version=1, method="in_app_explicit", state="active",
                        given_at=now, receipt_id=uuid.uuid4()) for i in range(per_consents)]
        for start in range(0, len(rows), BLOCK):
            Consent.objects.bulk_create(rows[start:start + BLOCK])
        fill_chain(ConsentLedgerEntry, deployment, [
            ConsentLedgerEntry(deployment=deployment, kind="given", subject_ref=c.subject_ref,
                               consent=c, actor="bench", payload={"purposes": ["x"]})
            for c in rows], now)
        fill_chain(RecognitionEvent, deployment, [
            RecognitionEvent(deployment=deployment, operation=Operation.IDENTIFY,
                             outcome=Outcome.MATCH, purpose="public_security",
                             matched_refs=[f"s-{d}-{i}"], faces=1, distance=0.4,
                             threshold=0.6, liveness="passed")
            for i in range(per_events)], now)
    return organisation


def naive_answers(organisation, now) -> tuple[dict, float, float]:  # type: ignore[no-untyped-def]
    """The same answers, row by row in Python; with the seconds spent on chains and on the
    rest."""
    from governance.models import ConsentLedgerEntry, Deployment, Filing, RightsRequest
    from governance.platform.ledger import GENESIS_HASH, compute_hash
    from recognition.models import RecognitionEvent

    ids = list(Deployment.objects.filter(organisation=organisation).values_list("pk", flat=True))
    answers: dict = {}
    started = time.perf_counter()
    for model in (ConsentLedgerEntry, RecognitionEvent):
        broken = 0
        for deployment_id in ids:
            previous = GENESIS_HASH
            for entry in model.objects.filter(deployment_id=deployment_id).order_by("sequence"):
                if compute_hash(entry.chain_fields(), previous) != entry.entry_hash:
                    broken += 1
                    break
                previous = entry.entry_hash
        answers[model.__name__] = broken
    chains = time.perf_counter() - started
    started = time.perf_counter()
    since = now - dt.timedelta(days=90)
    answers["without_liveness"] = sum(
        1 for e in RecognitionEvent.objects.filter(deployment_id__in=ids)
        if e.operation == "identify" and e.recorded_at >= since and not e.liveness)
    answers["late_filings"] = sum(1 for f in Filing.objects.filter(deployment_id__in=ids)
                                  if (f.submitted_at or now) > f.due_at)
    answers["late_requests"] = sum(1 for r in RightsRequest.objects.filter(deployment_id__in=ids)
                                   if (r.closed_at or now) > r.due_at)
    return answers, chains, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true",
                        help="100,000 consents and 100,000 recognition events")
    parser.add_argument("--consents", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    size = 100_000 if args.full else 20_000
    consents = args.consents or size
    events = args.events or size
    os.environ.setdefault("DATABASE_URL",
                          "postgres://postgres@127.0.0.1:5432/facegov_bench_industry")
    from _django import throwaway_django

    with throwaway_django(os.environ["DATABASE_URL"]) as database:
        from django.utils import timezone

        from governance.conventions.probes import registered_probes
        from governance.services.industry import probe_evidence

        print(f"database: {database}")
        started = time.perf_counter()
        organisation = fill(consents, events)
        print(f"filled {DEPLOYMENTS} deployments, {consents:,} consents, {events:,} "
              f"recognition events in {time.perf_counter() - started:.1f} s")
        now = timezone.now()
        naive, naive_chains, naive_counts = naive_answers(organisation, now)
        baseline = naive_chains + naive_counts
        timings = {}
        started = time.perf_counter()
        for probe in registered_probes():
            t0 = time.perf_counter()
            evidence = probe_evidence(organisation=organisation, probe_name=probe.name, now=now)
            timings[probe.name] = (time.perf_counter() - t0, evidence.compliant)
        figure = time.perf_counter() - started
        for name, (seconds, compliant) in sorted(timings.items(), key=lambda kv: -kv[1][0]):
            print(f"  {name:<36} {seconds * 1000:9.1f} ms  compliant={compliant}")
        assert timings["consent_ledger_verifies"][1] is True, "the filled chains must verify"
        assert naive["ConsentLedgerEntry"] == 0 and naive["RecognitionEvent"] == 0
        chain_names = {"consent_ledger_verifies", "recognition_log_verifies",
                       "deletion_certificates_verify"}
        chain_s = sum(t for name, (t, _) in timings.items() if name in chain_names)
        print(f"chain probes (walk + signed heads): {chain_s:.2f} s vs naive hash walk "
              f"{naive_chains:.2f} s — ratio {chain_s / naive_chains:.2f}")
        print(f"aggregate probes ({len(timings) - len(chain_names)}): {figure - chain_s:.2f} s "
              f"vs naive row counting of liveness, filings and requests only "
              f"{naive_counts:.2f} s — ratio {(figure - chain_s) / naive_counts:.2f}")
        print(f"all {len(timings)} probes: {figure:.2f} s; naive row-by-row baseline "
              f"(chains + counts in Python): {baseline:.2f} s; ratio {figure / baseline:.2f}")


if __name__ == "__main__":
    main()
