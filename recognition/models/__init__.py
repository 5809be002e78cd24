from recognition.models.apikeys import ApiKey
from recognition.models.devices import (
    Device,
    DeviceNonce,
    DeviceOrder,
    DeviceRefusal,
    DeviceStatus,
    DeviceSubject,
    OrderKind,
)
from recognition.models.evaluations import (
    Evaluation,
    EvaluationSet,
    EvaluationSource,
    EvaluationStatus,
)
from recognition.models.events import (
    ConfirmationStatus,
    MatchConfirmation,
    Operation,
    Outcome,
    RecognitionEvent,
    RecognitionMatch,
)
from recognition.models.leaks import Canary, CopyKind, DisclosureEntry, TransformArchive
from recognition.models.liveness import LivenessChallenge, SeenFrame
from recognition.models.shards import GalleryShardHolding
from recognition.models.vault import (
    DeploymentKey,
    FaceImage,
    GalleryIndexKind,
    GalleryIndexMeasurement,
    Template,
    VaultSubject,
)

__all__ = [
    "ApiKey",
    "Canary",
    "CopyKind",
    "DisclosureEntry",
    "TransformArchive",
    "ConfirmationStatus",
    "MatchConfirmation",
    "DeploymentKey",
    "Device",
    "DeviceNonce",
    "DeviceOrder",
    "DeviceRefusal",
    "DeviceStatus",
    "DeviceSubject",
    "OrderKind",
    "Evaluation",
    "EvaluationSet",
    "EvaluationSource",
    "EvaluationStatus",
    "FaceImage",
    "GalleryIndexKind",
    "GalleryIndexMeasurement",
    "GalleryShardHolding",
    "LivenessChallenge",
    "Operation",
    "Outcome",
    "RecognitionEvent",
    "RecognitionMatch",
    "SeenFrame",
    "Template",
    "VaultSubject",
]
