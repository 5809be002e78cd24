from complaints.models.caselog import CaseLogEntry, LogKind
from complaints.models.cases import (
    TERMINAL,
    UNTRIAGED,
    CaseKind,
    CaseStatus,
    Category,
    Complaint,
    IdentityReveal,
    Investigation,
    Priority,
    RevealStatus,
    TriageDecision,
)
from complaints.models.guidance import (
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    GuidanceNote,
)
from complaints.models.messages import CaseAttachment, CaseMessage, Channel, Party

__all__ = [
    "TERMINAL",
    "CaseAttachment",
    "UNTRIAGED",
    "CaseKind",
    "CaseLogEntry",
    "CaseMessage",
    "CaseStatus",
    "Category",
    "Channel",
    "Complaint",
    "Consultation",
    "ConsultationMessage",
    "ConsultationStatus",
    "GuidanceNote",
    "IdentityReveal",
    "Investigation",
    "LogKind",
    "Party",
    "Priority",
    "RevealStatus",
    "TriageDecision",
]
