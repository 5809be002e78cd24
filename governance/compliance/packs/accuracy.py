"""The measured-accuracy rules (issue 13), the same in every pack.

No jurisdiction's law sets a number for a face matcher's error rates; what they share is the
platform's promise — accuracy and transparency with continuous disclosure, one threshold for
everyone (DESIGN.md invariant 8) — so each pack carries these four rules citing that promise,
and the EU pack adds the AI Act's accuracy duty for high-risk systems. The checks themselves
are in governance/compliance/accuracy.py (their evidence is registered by recognition).
"""

from django.utils.translation import gettext_lazy as _

from governance.compliance import accuracy
from governance.compliance.law import PLATFORM, Citation
from governance.compliance.packs.base import Rule, Severity, rule

PROMISE_DISCLOSURE = Citation(
    PLATFORM, "— accuracy and fairness",
    "Accuracy and transparency with continuous disclosure; one threshold for everyone, chosen "
    "so that the worst-served group still meets the target.",
    note="Platform policy: a threshold is measured before it is used, and published.")


ACCURACY_RULE_IDS = frozenset({"threshold_change_evaluated", "public_identification_evaluated",
                               "worst_group_meets_target", "worst_group_meets_target_advisory"})


def accuracy_rules(jurisdiction: str, *citations: Citation) -> tuple[Rule, ...]:
    cites = (PROMISE_DISCLOSURE, *citations)
    return (
        rule("threshold_change_evaluated", jurisdiction, Severity.BLOCKING,
             _("A threshold changed in operation was evaluated at that threshold"),
             accuracy.threshold_change_evaluated, *cites),
        rule("public_identification_evaluated", jurisdiction, Severity.BLOCKING,
             _("Public identification evaluated before it runs"),
             accuracy.public_identification_evaluated, *cites),
        rule("worst_group_meets_target", jurisdiction, Severity.BLOCKING,
             _("Worst-served group meets the target false-match rate (public interest)"),
             accuracy.worst_group_meets_target_public, *cites),
        rule("worst_group_meets_target_advisory", jurisdiction, Severity.WARNING,
             _("Worst-served group meets the target false-match rate (private interest)"),
             accuracy.worst_group_meets_target_private, *cites),
    )
