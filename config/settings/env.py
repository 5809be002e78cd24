"""Reading settings from the environment: one place, explicit about what is required."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_required(name: str) -> str:
    """A setting with no default: production refuses to start without it."""
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rates(name: str) -> dict[str, str]:
    """`scope=rate,scope=rate` (e.g. "login=5/min,anon=30/min") → {scope: rate}."""
    pairs = (item.split("=", 1) for item in env_list(name) if "=" in item)
    return {scope.strip(): rate.strip() for scope, rate in pairs}
