"""The language switch: Django's set_language, which also remembers the choice on the account,
so that what others (or the worker) send this user later is written in it."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from governance.models import User


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=code)
    return response


def remember_language_at_sign_in(sender: object, request: HttpRequest | None, user: User,
                                 **kwargs: object) -> None:
    """A user who never used the switch is written to in the language their browser asked
    for when they signed in (Accept-Language, as LocaleMiddleware read it)."""
    code = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    if not user.language and code in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=code)
        user.language = code
