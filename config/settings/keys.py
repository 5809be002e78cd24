"""Local secrets: generated once into var/ so a single machine needs no set-up.

Production never uses this module; it requires its secrets from the environment.
"""

import base64
import os
import secrets
from pathlib import Path


def read_or_create_secret(path: Path, *, make: "callable[[], str]") -> str:  # type: ignore[valid-type]
    """Return the secret stored at `path`, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    # O_EXCL: if two processes start at once, exactly one writes and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def new_master_key() -> str:
    """A 256-bit key, urlsafe base64 — the format FACEGOV_MASTER_KEY takes everywhere."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)
