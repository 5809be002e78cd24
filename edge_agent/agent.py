"""The agent: a sealed local state (gallery, log, permit, acknowledgements to send) and the
operations on it. Every change is written to disk (atomically) before anything is said to the
platform, so a crash between executing an order and acknowledging it is repaired by sending
the stored acknowledgement again: the order is executed once and certified once.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from edge_agent.client import Client, PlatformRefused, Unreachable
from recognition import edge_protocol as proto
from recognition.engine import (
    EngineError,
    distances,
    encode_all,
    encode_for_enrolment,
    encode_probe,
    load_image,
)
from recognition.vault.crypto import TemplateTransform, open_sealed, seal

DEFAULT_POLL_SECONDS = 2.0
PUSH_BATCH = 500
KEY_FILE, ENCRYPTION_KEY_FILE = "device_key.pem", "encryption_key.pem"
CONFIG_FILE, STATE_FILE, LOCK_FILE = "device.json", "state.sealed", "state.lock"
# Tests only: exit right after an order is executed and saved, before acknowledging it.
CRASH_BEFORE_ACK_ENV = "FACEGOV_EDGE_CRASH_BEFORE_ACK"


class Refused(Exception):
    """The agent refuses an operation; `code` says why (also written to its log)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --- keys -------------------------------------------------------------------------------------


def _write_private(path: Path, pem: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def init_keys(data_dir: Path) -> dict[str, str]:
    """Generate the device's key pairs (once) and return the public halves to register."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if not (data_dir / KEY_FILE).exists():
        pem = serialization.PrivateFormat.PKCS8
        for name, key in ((KEY_FILE, Ed25519PrivateKey.generate()),
                          (ENCRYPTION_KEY_FILE, X25519PrivateKey.generate())):
            _write_private(data_dir / name, key.private_bytes(
                serialization.Encoding.PEM, pem, serialization.NoEncryption()))
    signing, encryption = load_keys(data_dir)
    return {"public_key": proto.public_key_b64(signing),
            "encryption_key": proto.public_key_b64(encryption)}


def load_keys(data_dir: Path) -> tuple[Ed25519PrivateKey, X25519PrivateKey]:
    signing = serialization.load_pem_private_key((data_dir / KEY_FILE).read_bytes(), None)
    encryption = serialization.load_pem_private_key(
        (data_dir / ENCRYPTION_KEY_FILE).read_bytes(), None)
    assert isinstance(signing, Ed25519PrivateKey) and isinstance(encryption, X25519PrivateKey)
    return signing, encryption


def _seal_key(signing: Ed25519PrivateKey) -> bytes:
    raw = signing.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"facegov-edge/state-seal/v1").derive(raw)


# --- the agent --------------------------------------------------------------------------------


def _empty_state(device_id: int) -> dict[str, Any]:
    return {"device_id": device_id, "platform_key": "", "permit": None, "operating": False,
            "reason": "never_synced", "stopped": False, "transform_version": 0, "secret": "",
            "gallery": {}, "log": {"sequence": 0, "head": proto.GENESIS, "pending": []},
            "acks": {}, "done_orders": [], "last_sync": 0.0,
            "canaries": {"set": "", "refs": []}}


def _canaries(state: dict[str, Any]) -> set[str]:
    """The references of the canaries planted in this gallery (leak tracing): stored and
    rotated like every template, never matched, returned or counted."""
    return set(state.get("canaries", {}).get("refs", []))


class Agent:
    def __init__(self, *, data_dir: str | Path, platform: str = "", device_id: int | None = None,
                 poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self.data_dir = Path(data_dir)
        config_path = self.data_dir / CONFIG_FILE
        config = json.loads(config_path.read_text()) if config_path.exists() else {}
        if device_id is not None or platform:
            config.update({k: v for k, v in (("device_id", device_id), ("platform", platform))
                           if v})
            config_path.write_text(json.dumps(config))
        if "device_id" not in config or "platform" not in config:
            raise SystemExit("Give --device-id and --platform once (the device's registration).")
        self.device_id = int(config["device_id"])
        self.signing, self.encryption = load_keys(self.data_dir)
        self.client = Client(config["platform"], self.device_id, self.signing)
        self.poll_seconds = poll_seconds
        self._seal_key = _seal_key(self.signing)
        self._aad = f"facegov-edge/state/v1|device={self.device_id}".encode()
        self._lock = threading.RLock()
        self._transform: TemplateTransform | None = None

    # --- sealed state, one writer at a time (threads and processes) ---

    @contextmanager
    def _locked(self):  # type: ignore[no-untyped-def]
        with self._lock, open(self.data_dir / LOCK_FILE, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield self._load()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self) -> dict[str, Any]:
        path = self.data_dir / STATE_FILE
        if not path.exists():
            return _empty_state(self.device_id)
        plain = open_sealed(key=self._seal_key, sealed=path.read_bytes(), aad=self._aad)
        return json.loads(plain)

    def _save(self, state: dict[str, Any]) -> None:
        sealed = seal(key=self._seal_key, plaintext=json.dumps(state).encode(), aad=self._aad)
        tmp = self.data_dir / (STATE_FILE + ".tmp")
        with open(tmp, "wb") as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.data_dir / STATE_FILE)

    def _transform_of(self, state: dict[str, Any]) -> TemplateTransform:
        if not state["secret"]:
            raise Refused("no_template_space", "The device has not received its template "
                                               "space from the platform yet.")
        secret = base64.b64decode(state["secret"])
        if self._transform is None or self._transform_secret != secret:
            self._transform, self._transform_secret = TemplateTransform(secret), secret
        return self._transform

    # --- the log ---

    def _log(self, state: dict[str, Any], *, operation: str, outcome: str, purpose: str = "",
             subject_ref: str = "", matched_refs: list[str] | None = None, faces: int = 0,
             distance: float | None = None, threshold: float | None = None,
             refusal_code: str = "") -> None:
        log = state["log"]
        fields = {"sequence": log["sequence"] + 1, "at": _iso(_now()), "operation": operation,
                  "outcome": outcome, "purpose": purpose, "subject_ref": subject_ref,
                  "matched_refs": matched_refs or [], "faces": faces,
                  "distance": None if distance is None else round(float(distance), 6),
                  "threshold": threshold, "refusal_code": refusal_code}
        entry_hash = proto.event_hash(fields, log["head"])
        log["pending"].append({**fields, "previous_hash": log["head"], "hash": entry_hash})
        log["sequence"], log["head"] = fields["sequence"], entry_hash

    # --- talking to the platform ---

    def _check_platform(self, state: dict[str, Any], signed: dict[str, Any] | None,
                        domain: str, payload: dict[str, Any] | None = None) -> bool:
        if not signed or not state["platform_key"]:
            return False
        body = payload if payload is not None else signed["payload"]
        return proto.verify(state["platform_key"], proto.signed_message(domain, body),
                            signed["signature"])

    def sync(self) -> bool:
        """Acknowledge what was executed, poll, execute every order, acknowledge, push the log.
        False when the platform could not be reached (the agent works on its permit)."""
        with self._locked() as state:
            try:
                self._send_acks(state)
                poll = self.client.call("POST", "/api/v1/edge/poll/")
                self._apply_poll(state, poll)
                self._save(state)
                for order in poll["orders"]:
                    self._execute(state, order)
                self._push_log(state)
            except Unreachable:
                self._save(state)
                return False
            except PlatformRefused as refusal:
                if refusal.code in ("device_retired", "device_unknown"):
                    state["operating"], state["permit"] = False, None
                    state["reason"] = refusal.code
                self._save(state)
                raise
            state["last_sync"] = time.time()
            self._save(state)
            return True

    def _apply_poll(self, state: dict[str, Any], poll: dict[str, Any]) -> None:
        if not state["platform_key"]:
            state["platform_key"] = poll["platform_key"]  # pinned on first contact
        elif state["platform_key"] != poll["platform_key"]:
            raise Refused("platform_key_changed", "The platform's key changed: refusing.")
        if poll["operating"] and self._check_platform(state, poll["permit"],
                                                      proto.DOMAIN_PERMIT):
            state["permit"], state["operating"], state["reason"] = poll["permit"], True, ""
        else:
            state["permit"], state["operating"] = None, False
            state["reason"] = poll.get("reason") or "permit_invalid"
        if not state["secret"] and poll.get("sealed_secret"):
            state["secret"] = base64.b64encode(proto.open_secret(
                private=self.encryption, sealed=poll["sealed_secret"],
                device_id=self.device_id, version=poll["transform_version"])).decode()
            state["transform_version"] = poll["transform_version"]
        self._plant_canaries(state, poll)

    def _plant_canaries(self, state: dict[str, Any], poll: dict[str, Any]) -> None:
        """Keep the platform's canaries for this device in the gallery, in the device's own
        space like a real template; a new set replaces the previous one."""
        current = state.setdefault("canaries", {"set": "", "refs": []})
        if (not poll.get("canary_set") or poll["canary_set"] == current["set"]
                or not state["secret"]):
            return
        items = proto.open_canaries(private=self.encryption, sealed=poll["sealed_canaries"],
                                    device_id=self.device_id,
                                    version=poll["transform_version"])
        transform = self._transform_of(state)
        for ref in current["refs"]:
            state["gallery"].pop(ref, None)
        for item in items:
            raw = np.frombuffer(base64.b64decode(item["vector"]), dtype="<f4")
            state["gallery"][item["ref"]] = [_encode(transform.apply(raw.astype(np.float32)))]
        state["canaries"] = {"set": poll["canary_set"], "refs": [i["ref"] for i in items]}

    def _execute(self, state: dict[str, Any], order: dict[str, Any]) -> None:
        payload = {k: order[k] for k in ("order_id", "device_id", "kind", "subject_ref",
                                         "transform_version", "issued_at", "deadline_at")}
        if (payload["device_id"] != self.device_id
                or not self._check_platform(state, order, proto.DOMAIN_ORDER, payload)):
            return  # not signed by the platform for this device: ignored
        key = str(order["order_id"])
        if key in state["acks"] or order["order_id"] in state["done_orders"]:
            self._send_acks(state)
            return
        result, templates = self._carry_out(state, order)
        ack = {"order_id": order["order_id"], "device_id": self.device_id,
               "kind": order["kind"], "subject_ref": order["subject_ref"], "result": result,
               "templates": templates, "executed_at": _iso(_now()),
               "transform_version": state["transform_version"]}
        state["acks"][key] = {"ack": ack, "signature": proto.sign(
            self.signing, proto.signed_message(proto.DOMAIN_ACK, ack))}
        self._save(state)
        if os.environ.get(CRASH_BEFORE_ACK_ENV):
            os._exit(17)
        self._send_acks(state)

    def _carry_out(self, state: dict[str, Any], order: dict[str, Any]) -> tuple[str, int]:
        kind = order["kind"]
        if kind == "delete_subject":
            removed = state["gallery"].pop(order["subject_ref"], [])
            self._log(state, operation="delete", outcome="deleted",
                      subject_ref=order["subject_ref"], purpose="order")
            return ("deleted" if removed else "absent"), len(removed)
        if kind == "stop":
            state["stopped"], state["operating"], state["permit"] = True, False, None
            state["reason"] = "stopped"
            return "stopped", 0
        # rotate: move every template into the next template space.
        old = self._transform_of(state)
        secret = proto.open_secret(private=self.encryption, sealed=order["sealed_secret"],
                                   device_id=self.device_id,
                                   version=order["transform_version"])
        new = TemplateTransform(secret)
        for ref, rows in state["gallery"].items():
            state["gallery"][ref] = [_encode(new.apply(old.invert(_decode(row))))
                                     for row in rows]
        state["secret"] = base64.b64encode(secret).decode()
        state["transform_version"] = order["transform_version"]
        hidden = _canaries(state)
        return "rotated", sum(len(rows) for ref, rows in state["gallery"].items()
                              if ref not in hidden)

    def _send_acks(self, state: dict[str, Any]) -> None:
        for key, signed in list(state["acks"].items()):
            self.client.call("POST", f"/api/v1/edge/orders/{key}/ack/", signed)
            del state["acks"][key]
            state["done_orders"] = [*state["done_orders"][-999:], int(key)]
            self._save(state)

    def _push_log(self, state: dict[str, Any]) -> None:
        pending = state["log"]["pending"]
        while pending:
            batch = pending[:PUSH_BATCH]
            head = proto.log_head_payload(device_id=self.device_id,
                                          sequence=batch[-1]["sequence"],
                                          head=batch[-1]["hash"])
            self.client.call("POST", "/api/v1/edge/events/", {
                "events": batch, "head_signature": proto.sign(
                    self.signing, proto.signed_message(proto.DOMAIN_LOG_HEAD, head))})
            del pending[:len(batch)]
            self._save(state)

    # --- recognition, local ---

    def _require_operating(self, state: dict[str, Any], operation: str, purpose: str,
                           subject_ref: str = "") -> dict[str, Any]:
        permit = state["permit"]
        code = ""
        if state["stopped"] or not state["operating"] or permit is None:
            code = state["reason"] or "device_not_operating"
        elif _parse(permit["payload"]["expires_at"]) <= _now():
            code = "permit_expired"
        elif purpose not in permit["payload"]["purposes"]:
            code = "purpose_not_allowed"
        if code:
            self._log(state, operation=operation, outcome="refused", purpose=purpose,
                      subject_ref=subject_ref, refusal_code=code)
            self._save(state)
            raise Refused(code, "This device may not recognise anyone now.")
        return permit["payload"]

    def _sync_first(self) -> None:
        """Orders before recognition: a device that was away applies every pending order
        (and renews its permit) before it recognises anyone."""
        with self._locked() as state:
            stale = time.time() - state["last_sync"] > self.poll_seconds
        if stale:
            try:
                self.sync()
            except (PlatformRefused, Refused):
                pass

    def enrol(self, *, subject_ref: str, purpose: str, image: bytes) -> dict[str, Any]:
        self._sync_first()
        with self._locked() as state:
            self._require_operating(state, "enroll", purpose, subject_ref)
            try:
                permit = self.client.call("POST", "/api/v1/edge/permits/",
                                          {"subject_ref": subject_ref, "purpose": purpose})
            except (PlatformRefused, Unreachable) as error:
                code = getattr(error, "code", "") or "platform_unreachable"
                self._log(state, operation="enroll", outcome="refused", purpose=purpose,
                          subject_ref=subject_ref, refusal_code=code)
                self._save(state)
                raise Refused(code, getattr(error, "detail", str(error))) from None
            body = permit["payload"]
            if (not self._check_platform(state, permit, proto.DOMAIN_PERMIT)
                    or body["subject_ref"] != subject_ref or body["purpose"] != purpose
                    or body["device_id"] != self.device_id
                    or _parse(body["expires_at"]) <= _now()):
                raise Refused("permit_invalid", "The platform's permit does not check out.")
            try:
                template = encode_for_enrolment(load_image(image))
            except EngineError as error:
                self._log(state, operation="enroll", outcome="refused", purpose=purpose,
                          subject_ref=subject_ref, refusal_code=error.code)
                self._save(state)
                raise Refused(error.code, error.detail) from None
            stored = self._transform_of(state).apply(template.vector)
            state["gallery"].setdefault(subject_ref, []).append(_encode(stored))
            self._log(state, operation="enroll", outcome="enrolled", purpose=purpose,
                      subject_ref=subject_ref, faces=1)
            self._save(state)
            templates = len(state["gallery"][subject_ref])
        return {"subject_ref": subject_ref, "templates": templates}

    def verify(self, *, subject_ref: str, purpose: str, image: bytes) -> dict[str, Any]:
        self._sync_first()
        with self._locked() as state:
            permit = self._require_operating(state, "verify", purpose, subject_ref)
            threshold = float(permit["threshold"])
            rows = (state["gallery"].get(subject_ref)
                    if subject_ref not in _canaries(state) else None)
            if not rows:
                self._log(state, operation="verify", outcome="refused", purpose=purpose,
                          subject_ref=subject_ref, refusal_code="subject_not_enrolled")
                self._save(state)
                raise Refused("subject_not_enrolled", "Nobody is enrolled under this reference.")
            try:
                probe = encode_probe(load_image(image))
            except EngineError as error:
                raise Refused(error.code, error.detail) from None
            transformed = self._transform_of(state).apply(probe.vector)
            distance = float(distances(np.stack([_decode(r) for r in rows]), transformed).min())
            match = distance <= threshold
            self._log(state, operation="verify", outcome="match" if match else "no_match",
                      purpose=purpose, subject_ref=subject_ref, faces=1, distance=distance,
                      threshold=threshold)
            self._save(state)
        return {"match": match, "distance": distance, "threshold": threshold}

    def identify(self, *, purpose: str, image: bytes) -> dict[str, Any]:
        self._sync_first()
        with self._locked() as state:
            permit = self._require_operating(state, "identify", purpose)
            threshold = float(permit["threshold"])
            try:
                faces = encode_all(load_image(image))
            except EngineError as error:
                raise Refused(error.code, error.detail) from None
            hidden = _canaries(state)
            people = {ref: rows for ref, rows in state["gallery"].items() if ref not in hidden}
            refs = [ref for ref, rows in people.items() for _ in rows]
            matrix = (np.stack([_decode(r) for rows in people.values() for r in rows])
                      if refs else None)
            transform = self._transform_of(state) if refs else None
            found: list[tuple[str, float]] = []
            for face in faces:
                if matrix is None or transform is None:
                    continue
                d = distances(matrix, transform.apply(face.vector))
                best = int(d.argmin())
                if float(d[best]) <= threshold:
                    found.append((refs[best], float(d[best])))
            self._log(state, operation="identify", outcome="match" if found else "no_match",
                      purpose=purpose, matched_refs=[ref for ref, _ in found],
                      faces=len(faces), distance=min((d for _, d in found), default=None),
                      threshold=threshold)
            self._save(state)
        return {"faces": len(faces), "matches": [{"subject_ref": r, "distance": d}
                                                 for r, d in found]}

    def status(self) -> dict[str, Any]:
        with self._locked() as state:
            permit = state["permit"]
            hidden = _canaries(state)
            people = {ref: rows for ref, rows in state["gallery"].items() if ref not in hidden}
            return {"device_id": self.device_id, "operating": state["operating"],
                    "reason": state["reason"], "stopped": state["stopped"],
                    "permit_expires_at": permit["payload"]["expires_at"] if permit else None,
                    "subjects": sorted(people),
                    "templates": sum(len(r) for r in people.values()),
                    "transform_version": state["transform_version"],
                    "log_sequence": state["log"]["sequence"],
                    "unpushed_events": len(state["log"]["pending"]),
                    "unsent_acks": sorted(int(k) for k in state["acks"])}

    def run(self, *, stop: threading.Event | None = None) -> None:
        """Poll at `poll_seconds` until stopped (SIGTERM) or told to stop by the platform."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                self.sync()
            except PlatformRefused as refusal:
                if refusal.code == "device_retired":
                    return
            except Refused:
                pass
            stop.wait(self.poll_seconds)


def _encode(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode()


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float32)
