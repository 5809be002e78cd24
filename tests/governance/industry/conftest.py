"""Fixtures of the industry self-regulation tests: libraries in CISO Assistant's format, the
association's published convention, an audit of Acme."""

import pytest

from governance.conventions.library import SHIPPED_LIBRARY
from governance.models import Role
from governance.services.industry import audit_create, convention_publish
from tests.factories import MembershipFactory

# A library written the way CISO Assistant ships them (china-pipl-2021.yaml's shape):
# translations at every level, questions keyed by URN, keys FaceGov does not read.
CISO_LIBRARY = """\
urn: urn:intuitem:risk:library:test-pipl
locale: zh
ref_id: test-pipl
name: 个人信息保护测试
description: 测试框架
copyright: test
version: 1
publication_date: '2026-10-09'
provider: NPC
packager: intuitem
translations:
  en:
    name: Test PIPL
    description: A test framework
dependencies: []
objects:
  framework:
    urn: urn:intuitem:risk:framework:test-pipl
    ref_id: PIPL
    name: 个人信息保护测试
    min_score: 0
    max_score: 100
    translations:
      en:
        name: Test PIPL
    implementation_groups_definition:
    - ref_id: core
      name: Core
    requirement_nodes:
    - urn: urn:intuitem:risk:req_node:test-pipl:chapter-i
      assessable: false
      depth: 1
      ref_id: I
      name: 总则
      translations:
        en:
          name: General Provisions
    - urn: urn:intuitem:risk:req_node:test-pipl:art-5
      assessable: true
      depth: 2
      parent_urn: urn:intuitem:risk:req_node:test-pipl:chapter-i
      ref_id: Art. 5
      description: 处理个人信息应当遵循合法、正当、必要和诚信原则
      annotation: note
      typical_evidence: policy
      implementation_groups:
      - core
      importance: mandatory
      questions:
        urn:intuitem:risk:req_node:test-pipl:art-5:question:1:
          type: unique_choice
          choices:
          - urn: urn:intuitem:risk:req_node:test-pipl:art-5:question:1:choice:1
            value: 'Yes'
          text: Is it lawful?
      reference_controls:
      - urn:intuitem:risk:function:policy
      translations:
        en:
          description: Personal information shall be processed lawfully.
    - urn: urn:intuitem:risk:req_node:test-pipl:art-6
      assessable: true
      depth: 2
      parent_urn: urn:intuitem:risk:req_node:test-pipl:chapter-i
      ref_id: Art. 6
      description: 最小范围
  reference_controls:
  - urn: urn:intuitem:risk:function:policy
    ref_id: policy
    name: Policy
"""


@pytest.fixture
def shipped_text() -> bytes:
    return SHIPPED_LIBRARY.read_bytes()


@pytest.fixture
def convention(world, shipped_text):
    return convention_publish(industry_body=world.association, actor=world.auditor,
                              source=shipped_text)


@pytest.fixture
def privacy_officer(world):
    return MembershipFactory(organisation=world.acme, role=Role.PRIVACY_OFFICER).user


@pytest.fixture
def audit(world, convention):
    return audit_create(actor=world.auditor, organisation=world.acme, convention=convention,
                        name="2026 audit of Acme")


@pytest.fixture
def compliant_gate(gate):
    """Acme's gate with everything the probes look for: an assessment and its threshold on
    the public record."""
    from governance.models import ThresholdChange
    from tests.factories import ImpactAssessmentFactory

    ImpactAssessmentFactory(deployment=gate)
    ThresholdChange.objects.create(deployment=gate, previous=None, threshold=gate.threshold)
    return gate
