"""Schemathesis against /api/schema/, in-process, as each persona: no server error, no status
the schema does not document, and every error in the error shape.

For every operation and each persona (anonymous, a citizen, an enterprise admin, an
inspector, a deployment's API key):

- schemathesis's coverage cases (boundary and invalid values for every field, wrong types,
  missing fields), a bounded, evenly spread sample of them, dealt out across the personas;
- generated examples, positive and negative, with path ids drawn from objects that exist
  one time in three, so that calls reach real rows instead of stopping at 404.

Bounds: FACEGOV_FUZZ_COVERAGE coverage cases per operation (default 30) and
FACEGOV_FUZZ_EXAMPLES generated examples per operation and persona (default 3; multipart image
operations, where each call may run the face engine, at most 2). Each call runs in a savepoint
that is rolled back, so every example starts from the same data.

A value the database refused is answered 400 by the last line of defence in
config/api/errors.py; this test counts those as server errors too.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.generation import overrides
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.modes import GenerationMode

from config.wsgi import application
from governance.services.consent import consent_give
from recognition.services.apikeys import api_key_create
from tests.factories import CLICK, active_gate

EXAMPLES = int(os.environ.get("FACEGOV_FUZZ_EXAMPLES", "3"))
COVERAGE = int(os.environ.get("FACEGOV_FUZZ_COVERAGE", "30"))
IMAGE_EXAMPLES = min(EXAMPLES, 2)
PERSONAS = ["anonymous", "citizen", "acme_admin", "inspector", "device"]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


class _Rollback(Exception):
    """Raised inside the per-call savepoint so that nothing an example stored survives it."""


@dataclass
class Findings:
    server_errors: Counter = field(default_factory=Counter)
    undocumented: Counter = field(default_factory=Counter)
    shapeless: Counter = field(default_factory=Counter)
    calls: int = 0

    def __bool__(self) -> bool:
        return bool(self.server_errors or self.undocumented or self.shapeless)

    def report(self) -> str:
        lines = [f"{self.calls} calls; server errors {sum(self.server_errors.values())} "
                 f"in {len(self.server_errors)} operation×status; undocumented statuses "
                 f"{sum(self.undocumented.values())} in {len(self.undocumented)}; errors "
                 f"without the error shape {sum(self.shapeless.values())}"]
        for name, counter in (("5xx", self.server_errors), ("undocumented", self.undocumented),
                              ("shapeless", self.shapeless)):
            lines += [f"  {name} {op} {status}: {n}" for (op, status), n in sorted(counter.items())]
        return "\n".join(lines)


class _RefusedValues(logging.Handler):
    """Counts the database's refusals that config/api/errors.py turned into a 400."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("A value reached the database"):
            self.count += 1


@pytest.fixture(scope="module")
def api_schema():
    """The served schema (read through Django's test client, which needs no database),
    called in-process through the WSGI application."""
    document = Client().get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    return schema


@pytest.fixture(scope="module")
def coverage_cases(api_schema) -> dict[str, list]:
    """Up to COVERAGE of schemathesis's coverage cases per operation, evenly spread over the
    list it makes (made once: the personas share them out)."""
    chosen = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        generator = CoverageGenerator(
            operation=operation, generation_modes=MODES,
            generation_config=api_schema.config.generation_for(operation=operation,
                                                               phase="coverage"),
            auth_storage=None, feedback=FeedbackSources(), hooks=None,
            override=overrides.with_config_headers(api_schema.config, operation=operation))
        cases = list(generator)
        step = max(1, len(cases) / COVERAGE) if COVERAGE else len(cases) + 1
        chosen[operation.label] = [cases[int(i * step)] for i in range(COVERAGE)
                                   if int(i * step) < len(cases)]
    return chosen


@pytest.fixture
def in_process_requests():
    """Django's test client does this too: a request must not close the connection that
    holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def refused_values():
    handler = _RefusedValues()
    logger = logging.getLogger("config.api.errors")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def _stage(world) -> tuple[dict[str, dict[str, str]], dict[str, object]]:
    """Objects for path ids to reach, and the headers each persona sends."""
    gate = active_gate(world.acme, name="Fuzz gate")
    key, raw = api_key_create(deployment=gate, name="fuzz", actor=world.acme_admin)
    consent = consent_give(deployment=gate, actor=world.acme_admin, subject_ref="fuzz-subject",
                           purposes=["access_control"], evidence=CLICK,
                           method="in_app_explicit")
    headers: dict[str, dict[str, str]] = {"anonymous": {}, "device": {"X-Api-Key": raw}}
    for persona in ("citizen", "acme_admin", "inspector"):
        token, _ = Token.objects.get_or_create(user=world.user(persona))
        headers[persona] = {"Authorization": f"Token {token.key}"}
    ids = {"deployment_id": gate.id, "api_key_id": key.id,
           "receipt_id": str(consent.receipt_id), "subject_ref": "fuzz-subject",
           "organisation_id": world.acme.id}
    return headers, ids


def _strategy(operation, ids):
    generated = [operation.as_strategy(generation_mode=mode) for mode in MODES]
    names = {p.name for p in operation.path_parameters}
    if names and names <= set(ids):
        generated.append(operation.as_strategy(
            path_parameters={name: ids[name] for name in names}))
    return st.one_of(generated)


def _is_image_upload(operation) -> bool:
    body = operation.definition.raw.get("requestBody", {}).get("content", {})
    return "multipart/form-data" in body and "application/json" not in body


class Caller:
    """Calls one case in a rolled-back savepoint and records what the answer breaks."""

    def __init__(self, headers: dict[str, str], findings: Findings, refused: _RefusedValues):
        self.headers, self.findings, self.refused = headers, findings, refused

    def __call__(self, operation, case) -> None:
        refused_before = self.refused.count
        try:
            with transaction.atomic():
                response = case.call(headers=self.headers)
                raise _Rollback
        except _Rollback:
            pass
        self.findings.calls += 1
        key = (operation.label, str(response.status_code))
        documented = set(operation.definition.raw.get("responses", {}))
        if case.method.upper() != operation.method.upper():
            # A coverage probe of a method the path lacks: 405, unless authentication
            # refuses first; OPTIONS describes the endpoint.
            key = (f"{case.method.upper()} {operation.path}", str(response.status_code))
            documented = {"401", "403", "405", "429"} | (
                {"200"} if case.method.upper() == "OPTIONS" else set())
        if response.status_code >= 500 or self.refused.count > refused_before:
            self.findings.server_errors[key] += 1
        elif key[1] not in documented and "default" not in documented:
            self.findings.undocumented[key] += 1
        if response.status_code >= 400 and not _error_shaped(response):
            self.findings.shapeless[key] += 1


def _error_shaped(response) -> bool:
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/json"):
        return False
    body = response.json()
    return isinstance(body, dict) and isinstance(body.get("code"), str) and "detail" in body


def _fuzz(operation, strategy, call: Caller, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        call(operation, case)

    run()


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_server_error_and_no_undocumented_status(persona, world, api_schema, coverage_cases,
                                                    in_process_requests, refused_values):
    headers, ids = _stage(world)
    findings = Findings()
    call = Caller(headers[persona], findings, refused_values)
    share = PERSONAS.index(persona)
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for case in coverage_cases[operation.label][share::len(PERSONAS)]:
            call(operation, case)
        examples = IMAGE_EXAMPLES if _is_image_upload(operation) else EXAMPLES
        if examples:
            _fuzz(operation, _strategy(operation, ids), call, examples)
    print(f"\n[{persona}] " + findings.report())
    assert not findings, findings.report()
