"""Signed HTTP to the platform, with the standard library only."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from recognition import edge_protocol as proto

TIMEOUT_SECONDS = 10


class Unreachable(Exception):
    """The platform did not answer (network, server down): the agent works offline."""


class PlatformRefused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code, self.detail = status, code, detail


class Client:
    def __init__(self, platform: str, device_id: int, key: Ed25519PrivateKey) -> None:
        self.platform = platform.rstrip("/")
        self.device_id = device_id
        self.key = key

    def call(self, method: str, path: str, payload: Any = None) -> dict[str, Any]:
        url = f"{self.platform}{path}"
        body = b"" if payload is None else json.dumps(payload).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        message = proto.request_message(method=method, path=urlsplit(url).path,
                                        timestamp=timestamp, nonce=nonce, body=body)
        headers = {proto.HEADER_DEVICE: str(self.device_id), proto.HEADER_TIMESTAMP: timestamp,
                   proto.HEADER_NONCE: nonce,
                   proto.HEADER_SIGNATURE: proto.sign(self.key, message),
                   "Content-Type": "application/json", "Accept": "application/json"}
        request = urllib.request.Request(url, data=body if method != "GET" else None,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            try:
                data = json.loads(error.read() or b"{}")
            except ValueError:
                data = {}
            if error.code >= 500:
                raise Unreachable(f"platform error {error.code}") from None
            raise PlatformRefused(error.code, str(data.get("code", "")),
                                  str(data.get("detail", ""))) from None
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise Unreachable(str(error)) from None
