"""`python -m edge_agent init|run|enrol|verify|identify|status --data-dir DIR ...`

    init      generate the device's keys (once) and print the public halves to register
    run       poll the platform (orders, permit, log) every --poll-interval seconds; with
              --listen PORT also answer local calls on 127.0.0.1:PORT (POST /enrol, /verify,
              /identify with JSON {subject_ref, purpose, image_b64}; GET /status)
    enrol / verify / identify / status   one local call, then exit
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from edge_agent.agent import DEFAULT_POLL_SECONDS, Agent, Refused, init_keys
from edge_agent.client import PlatformRefused


def _serve(agent: Agent, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/status":
                self._answer(200, agent.status())
            else:
                self._answer(404, {"code": "not_found", "detail": "No such path."})

        def do_POST(self) -> None:  # noqa: N802
            operations = {"/enrol": agent.enrol, "/verify": agent.verify,
                          "/identify": agent.identify, "/sync": None}
            if self.path not in operations:
                self._answer(404, {"code": "not_found", "detail": "No such path."})
                return
            try:
                if self.path == "/sync":
                    self._answer(200, {"reached": agent.sync()})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                args = {"purpose": body["purpose"],
                        "image": base64.b64decode(body["image_b64"])}
                if self.path != "/identify":
                    args["subject_ref"] = body["subject_ref"]
                self._answer(200, operations[self.path](**args))
            except Refused as refusal:
                self._answer(403, {"code": refusal.code, "detail": refusal.detail})
            except PlatformRefused as refusal:
                self._answer(403, {"code": refusal.code, "detail": refusal.detail})
            except (KeyError, ValueError) as error:
                self._answer(400, {"code": "invalid", "detail": str(error)})

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edge_agent", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["init", "run", "enrol", "verify", "identify",
                                            "status", "sync"])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--platform", default="")
    parser.add_argument("--device-id", type=int)
    parser.add_argument("--poll-interval", type=float, default=DEFAULT_POLL_SECONDS)
    parser.add_argument("--listen", type=int, default=0)
    parser.add_argument("--subject", default="")
    parser.add_argument("--purpose", default="access_control")
    parser.add_argument("--image", default="")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir)
    if args.command == "init":
        print(json.dumps(init_keys(data_dir)))
        return 0
    agent = Agent(data_dir=data_dir, platform=args.platform, device_id=args.device_id,
                  poll_seconds=args.poll_interval)
    try:
        if args.command == "run":
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
            server = _serve(agent, args.listen) if args.listen else None
            print(f"edge agent: device {agent.device_id} running", flush=True)
            agent.run(stop=stop)
            if server:
                server.shutdown()
            return 0
        if args.command == "sync":
            result: dict[str, Any] = {"reached": agent.sync(), **agent.status()}
        elif args.command == "status":
            result = agent.status()
        else:
            image = Path(args.image).read_bytes()
            if args.command == "identify":
                result = agent.identify(purpose=args.purpose, image=image)
            elif args.command == "enrol":
                result = agent.enrol(subject_ref=args.subject, purpose=args.purpose,
                                     image=image)
            else:
                result = agent.verify(subject_ref=args.subject, purpose=args.purpose,
                                      image=image)
    except (Refused, PlatformRefused) as refusal:
        print(json.dumps({"code": refusal.code, "detail": refusal.detail}), file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
