"""Template filters that turn codes into words: `{{ e.purpose|purpose_label }}`,
`{{ e.refusal_code|refusal_label }}`, `{{ purpose.name|translated }}` (taxonomy text)."""

from django import template
from django.utils.translation import gettext

from governance import labels

register = template.Library()

register.filter("purpose_label", labels.purpose_label)
register.filter("refusal_label", labels.refusal_label)


@register.filter
def translated(text: str) -> str:
    """Seeded taxonomy text (purpose names and descriptions) in the reader's language."""
    return gettext(text) if text else text


register.filter("choice_label", labels.choice_label)


@register.filter
def when(value: object) -> object:
    """An ISO-8601 timestamp string (receipts, exports) as a datetime, for `|date`:
    `{{ e.time|when|date:"DATETIME_FORMAT" }}`. Anything else passes through."""
    import datetime as dt

    from django.utils import timezone

    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
    return value


@register.filter
def language_name(code: str) -> str:
    """A language code ("en", "zh-hans", "zh-CN") as the language's own name."""
    from django.utils.translation import get_language_info

    for candidate in (code, (code or "").lower(), (code or "").split("-")[0]):
        try:
            return get_language_info(candidate)["name_local"]
        except KeyError:
            continue
    return code
