"""Domain errors raised by services; the API turns each into `{"code", "detail", ...}`.

Services never return error values: they raise one of these with a machine `code` that
clients can rely on and a `detail` a person can read. Pages show the same detail.
"""

from typing import Any


class DomainError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.extra = extra

    def as_payload(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.extra}


class NotPermitted(DomainError):
    """The actor may not do this (role, tenancy or mandate)."""

    status_code = 403
    default_code = "permission_denied"


class PolicyRefusal(DomainError):
    """The policy gate says no: consent, purpose, deployment status, liveness."""

    status_code = 403
    default_code = "policy_refused"


class InvalidTransition(DomainError):
    """A state machine was asked for a move it does not allow from the current state."""

    status_code = 409
    default_code = "invalid_transition"


class Conflict(DomainError):
    """The request clashes with what is stored (a name already taken, a duplicate)."""

    status_code = 409
    default_code = "conflict"


class RuleViolations(DomainError):
    """Blocking rules failed; `violations` lists each rule, its legal reference and message."""

    status_code = 400
    default_code = "rule_violations"

    def __init__(self, violations: list[dict[str, str]], detail: str | None = None) -> None:
        super().__init__(
            detail or "The deployment breaks blocking rules.", violations=violations
        )


class NotFound(DomainError):
    status_code = 404
    default_code = "not_found"
