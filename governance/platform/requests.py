"""What the platform stores about an HTTP request, made safe to store.

Headers are whatever a client sends: a User-Agent may hold NUL (which PostgreSQL refuses in
text) or control characters, and may be megabytes long. Anything kept from a header passes
through `header_text`.
"""

from django.http import HttpRequest
from django.utils import timezone

MAX_HEADER_TEXT = 500


def header_text(request: HttpRequest, name: str, *, max_length: int = MAX_HEADER_TEXT) -> str:
    """The header's value with non-printable characters dropped, cut to `max_length`."""
    value = request.META.get(name, "")
    return "".join(ch for ch in value[: max_length * 2] if ch.isprintable())[:max_length]


def click_record(request: HttpRequest) -> dict[str, str]:
    """The evidence of an in-app consent: when, from where, with what."""
    return {"time": timezone.now().isoformat(),
            "ip": header_text(request, "REMOTE_ADDR", max_length=64),
            "user_agent": header_text(request, "HTTP_USER_AGENT") or "unknown"}
