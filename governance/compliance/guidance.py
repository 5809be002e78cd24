"""Guidance beside the rule: what regulators published about a rule, shown next to its finding.

Governance never imports complaints (where guidance notes live). An app that holds guidance
registers a provider in its AppConfig.ready(); a provider is given the deployment being judged
and returns, per rule id, the notes that apply to it (those of the regulators whose mandate
covers the deployment's operator). The wizard and the compliance panels ask `guidance_for`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RuleGuidance:
    title: str
    regulator: str
    version: int
    url: str  # where a person reads the whole note


GuidanceProvider = Callable[[Any], Mapping[str, Sequence[RuleGuidance]]]
_PROVIDERS: dict[str, GuidanceProvider] = {}


def register_guidance_provider(name: str, provider: GuidanceProvider) -> None:
    """Registering the same name again replaces the provider."""
    _PROVIDERS[name] = provider


def guidance_for(deployment: Any) -> dict[str, list[RuleGuidance]]:
    """Every provider's notes for this deployment, per rule id."""
    found: dict[str, list[RuleGuidance]] = {}
    for name in sorted(_PROVIDERS):
        for rule_id, notes in _PROVIDERS[name](deployment).items():
            found.setdefault(rule_id, []).extend(notes)
    return found
