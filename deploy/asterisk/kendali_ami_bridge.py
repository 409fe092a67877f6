#!/usr/bin/env python3
"""Reference bridge: Asterisk AMI -> Kendali telephony API.

Reads AMI events over TCP (Newchannel, DialBegin, BridgeEnter, Hangup, QueueCallerAbandon)
and posts call events (offered, answered, transferred, ended, abandoned) to
``POST /api/v1/telephony/events`` with a machine token of scope "telephony".

Standard library only, so it runs on the PBX host. Kendali ignores duplicates, so the
bridge simply retries a batch until it is accepted.

    KENDALI_URL=https://kendali.serangkota.go.id KENDALI_TOKEN=knd_... \\
    AMI_HOST=127.0.0.1 AMI_PORT=5038 AMI_USER=kendali AMI_SECRET=... \\
    python3 kendali_ami_bridge.py

Set ``timestampevents = yes`` in manager.conf so events carry the PBX's own time.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

log = logging.getLogger("kendali-ami")

# An agent's device channel: PJSIP/2101-0000002a, SIP/2101-..., IAX2/2101-...
AGENT_CHANNEL = re.compile(r"^(?:PJSIP|SIP|IAX2)/(\d{2,8})-[0-9a-f]+$", re.IGNORECASE)
TRUNK_CHANNEL = re.compile(r"^(?:[A-Z0-9]+)/(.+)-[0-9a-f]+$", re.IGNORECASE)
WITHHELD = {"", "<unknown>", "unknown", "anonymous"}


def parse_ami(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """AMI messages are 'Key: Value' lines ended by a blank line."""
    message: dict[str, str] = {}
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if message:
                yield message
                message = {}
            continue
        if ":" in line:
            key, _sep, value = line.partition(":")
            message[key.strip()] = value.strip()
    if message:
        yield message


class Translator:
    """Turns AMI events into Kendali telephony events. One instance per AMI connection;
    it remembers which channels belong to which incoming call."""

    def __init__(self, inbound_exten: Iterable[str] = ("112",)) -> None:
        self.inbound_exten = set(inbound_exten)
        self.calls: dict[str, dict] = {}  # linkedid -> {"number", "trunk", "agent"}

    @staticmethod
    def _at(event: dict) -> str:
        stamp = event.get("Timestamp")
        moment = datetime.fromtimestamp(float(stamp), UTC) if stamp else datetime.now(UTC)
        return moment.isoformat()

    def feed(self, event: dict[str, str]) -> list[dict]:
        name = event.get("Event", "")
        linked = event.get("Linkedid") or event.get("Uniqueid") or ""
        unique = event.get("Uniqueid", "")
        channel = event.get("Channel", "")
        out: list[dict] = []
        if name == "Newchannel" and unique == linked:
            if self.inbound_exten and event.get("Exten") not in self.inbound_exten:
                return out
            number = event.get("CallerIDNum", "")
            trunk_match = TRUNK_CHANNEL.match(channel)
            info = {
                "number": "" if number.lower() in WITHHELD else number,
                "trunk": trunk_match.group(1) if trunk_match else channel,
                "agent": "",
            }
            self.calls[linked] = info
            out.append(
                self._event("offered", linked, event, number=info["number"], trunk=info["trunk"])
            )
        elif name == "BridgeEnter" and linked in self.calls and unique != linked:
            match = AGENT_CHANNEL.match(channel)
            if not match:
                return out
            extension = match.group(1)
            info = self.calls[linked]
            if not info["agent"]:
                kind = "answered"
            elif info["agent"] != extension:
                kind = "transferred"
            else:
                return out
            info["agent"] = extension
            out.append(self._event(kind, linked, event, extension=extension))
        elif name == "QueueCallerAbandon" and linked in self.calls:
            out.append(self._event("abandoned", linked, event))
        elif name == "Hangup" and unique == linked and linked in self.calls:
            self.calls.pop(linked, None)
            out.append(self._event("ended", linked, event))
        # DialBegin (ringing an agent) carries nothing Kendali records yet; kept for logs.
        return out

    def _event(self, kind: str, linked: str, event: dict, **fields) -> dict:
        return {"kind": kind, "pbx_call_id": f"ast-{linked}", "at": self._at(event), **fields}


class Poster:
    def __init__(self, url: str, token: str, timeout: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("KENDALI_URL must be http(s)://")
        self.url = url.rstrip("/") + "/api/v1/telephony/events"
        self.token = token
        self.timeout = timeout

    def post(self, events: list[dict]) -> dict:
        body = json.dumps({"events": events}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")

    def post_with_retry(self, events: list[dict], attempts: int = 0) -> None:
        delay = 1.0
        tries = 0
        while True:
            try:
                self.post(events)
                return
            except (urllib.error.URLError, OSError) as exc:
                tries += 1
                if attempts and tries >= attempts:
                    raise
                log.warning("post failed (%s); retrying in %.0fs", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30)


def ami_lines(host: str, port: int, user: str, secret: str) -> Iterator[str]:
    sock = socket.create_connection((host, port), timeout=30)
    sock.settimeout(None)
    sock.sendall(
        f"Action: Login\r\nUsername: {user}\r\nSecret: {secret}\r\nEvents: call\r\n\r\n".encode()
    )
    buffer = sock.makefile("r", encoding="utf-8", errors="replace", newline="")
    yield from buffer


def run() -> None:  # pragma: no cover - needs a PBX
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    poster = Poster(os.environ["KENDALI_URL"], os.environ["KENDALI_TOKEN"])
    inbound = os.environ.get("AMI_INBOUND_EXTEN", "112").split(",")
    while True:
        translator = Translator(inbound_exten=[e for e in inbound if e])
        try:
            lines = ami_lines(
                os.environ.get("AMI_HOST", "127.0.0.1"),
                int(os.environ.get("AMI_PORT", "5038")),
                os.environ["AMI_USER"],
                os.environ["AMI_SECRET"],
            )
            for message in parse_ami(lines):
                events = translator.feed(message)
                if events:
                    poster.post_with_retry(events)
                    log.info(
                        "sent %s", ", ".join(f"{e['kind']} {e['pbx_call_id']}" for e in events)
                    )
        except OSError as exc:
            log.warning("AMI connection lost (%s); reconnecting in 5s", exc)
            time.sleep(5)


if __name__ == "__main__":  # pragma: no cover
    run()
