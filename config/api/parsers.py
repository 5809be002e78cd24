"""Request bodies the platform can hold, refused precisely when it cannot.

DRF's parsers read whatever arrives: a JSON body of any size (Django's
DATA_UPLOAD_MAX_MEMORY_SIZE guards `request.body`, which DRF does not use), nesting until
Python's recursion limit breaks (a 500), and NUL characters that PostgreSQL refuses to store
(another 500, after the service began). Every API view parses through these classes instead
(tests/config/test_api_parsers.py checks that no view uses DRF's own), so each of these is a
4xx with the error shape before any view code runs:

- a body over DATA_UPLOAD_MAX_MEMORY_SIZE → 413 `request_too_large`;
- JSON nested deeper than MAX_DEPTH → 400 `too_deeply_nested`;
- a NUL character in any text (JSON keys and values, form fields and their names) → 400
  `nul_character`.
"""

import codecs
import io
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils.json import strict_constant

# Deep enough for every body the API takes (the deepest is about 4); far below recursion.
MAX_DEPTH = 32


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "The request body is larger than this server accepts."


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def read_bounded(stream: Any, parser_context: dict | None) -> bytes:
    """The whole body, refused (413) as soon as it is known to exceed the limit: first by its
    declared length, then by what was actually read (a chunked body declares none)."""
    limit = body_limit()
    request = (parser_context or {}).get("request")
    declared = request.META.get("CONTENT_LENGTH") if request is not None else None
    if limit is not None and declared and declared.isdigit() and int(declared) > limit:
        raise RequestTooLarge(_("The body is %(size)s bytes; the limit is %(limit)s.")
                              % {"size": declared, "limit": limit})
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise RequestTooLarge(_("The body is over the limit of %(limit)s bytes.")
                              % {"limit": limit})
    return raw


def refuse_nul(texts: Iterable[str]) -> None:
    if any("\x00" in text for text in texts):
        raise ParseError(_("Text may not contain NUL characters (\\u0000)."), code="nul_character")


def check_json_value(data: Any) -> None:
    """Depth and NUL rules over a parsed JSON value, without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            raise ParseError(_("JSON may be nested at most %(depth)s levels deep.")
                             % {"depth": MAX_DEPTH},
                             code="too_deeply_nested")
        if isinstance(value, dict):
            refuse_nul(value.keys())
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            refuse_nul([value])


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict | None = None) -> Any:
        raw = read_bounded(stream, parser_context)
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(_("JSON may be nested at most %(depth)s levels deep.")
                             % {"depth": MAX_DEPTH},
                             code="too_deeply_nested") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_json_value(data)
        return data


def _check_form(data: Any) -> None:
    refuse_nul(data.keys())
    refuse_nul(value for values in data.lists() for value in values if isinstance(value, str))


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict | None = None) -> Any:
        data = super().parse(io.BytesIO(read_bounded(stream, parser_context)), media_type,
                             parser_context)
        _check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Django's multipart parser already bounds the non-file fields by
    DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig → 413 in config/api/errors.py); file sizes
    are the upload service's to check."""

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict | None = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _check_form(result.data)
        refuse_nul(result.files.keys())
        refuse_nul(upload.name or "" for upload in result.files.values())
        return result
