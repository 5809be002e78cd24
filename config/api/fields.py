"""Integers the database can hold: every API integer is bounded unless it says otherwise.

A DRF `IntegerField` without `max_value` accepts 10**30, which PostgreSQL refuses when it is
stored (a 500 after the service began) or SQLite stores as a float. Rather than remembering
bounds field by field, every serializer `IntegerField` that declares none gets the range of a
32-bit integer column — the narrowest integer column the models use (`IntegerField`,
`PositiveIntegerField`). A field that feeds a `BigIntegerField` declares its own `max_value`.
The bounds are validators like any other, so a value out of range is a 400
`validation_error` naming the field, and the OpenAPI schema shows `minimum`/`maximum`.
"""

import functools
from typing import Any

from rest_framework import serializers

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def bound_integer_fields() -> None:
    """Install the default bounds (idempotent; called from ApiConfig.ready())."""
    init = serializers.IntegerField.__init__
    if getattr(init, "facegov_bounded", False):
        return

    @functools.wraps(init)
    def bounded_init(self: serializers.IntegerField, **kwargs: Any) -> None:
        if kwargs.get("max_value") is None:
            kwargs["max_value"] = INT32_MAX
        if kwargs.get("min_value") is None:
            kwargs["min_value"] = INT32_MIN
        init(self, **kwargs)

    bounded_init.facegov_bounded = True  # type: ignore[attr-defined]
    serializers.IntegerField.__init__ = bounded_init  # type: ignore[method-assign]
