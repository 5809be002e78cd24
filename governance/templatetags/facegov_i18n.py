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
