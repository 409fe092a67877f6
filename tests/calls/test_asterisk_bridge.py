"""The reference Asterisk bridge (deploy/asterisk) against recorded AMI event sequences:
the events it posts produce the calls the call-takers would expect."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kendali.calls.models import Call

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.django_db


def _bridge():
    spec = importlib.util.spec_from_file_location(
        "kendali_ami_bridge", ROOT / "deploy" / "asterisk" / "kendali_ami_bridge.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def replay(client, token, name):
    """Feed a recorded AMI session through the bridge and post what it emits, like the
    bridge does (one batch per AMI message that produced events)."""
    bridge = _bridge()
    translator = bridge.Translator()
    sent = []
    with open(FIXTURES / name, encoding="utf-8") as handle:
        for message in bridge.parse_ami(handle):
            events = translator.feed(message)
            if events:
                response = client.post(
                    "/api/v1/telephony/events",
                    json.dumps({"events": events}),
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )
                assert response.status_code == 200, response.content
                sent.extend(events)
    return sent


def test_answered_call(users, clients, bridge_token):
    sent = replay(clients["anonymous"], bridge_token[1], "ami_answered.txt")
    assert [e["kind"] for e in sent] == ["offered", "answered", "ended"]
    call = Call.objects.get()
    assert call.pbx_call_id == "ast-1772413200.17"
    assert call.number_e164 == "+6281234567890" and call.trunk == "telkom-trunk"
    assert call.call_taker == users["calltaker"]
    assert round(call.answer_seconds, 1) == 6.4
    assert call.state == "ended" and not call.abandoned


def test_abandoned_call_from_a_withheld_number(users, clients, bridge_token):
    sent = replay(clients["anonymous"], bridge_token[1], "ami_abandoned_withheld.txt")
    assert [e["kind"] for e in sent] == ["offered", "abandoned", "ended"]
    call = Call.objects.get()
    assert call.number_flag == "withheld" and call.caller is None
    assert call.abandoned and call.outcome == "terputus" and call.answered_at is None


def test_transfer_and_repeated_bridge_events(users, clients, bridge_token):
    sent = replay(clients["anonymous"], bridge_token[1], "ami_transfer.txt")
    # The repeated BridgeEnter is not sent twice; the Local channel is not an agent.
    assert [e["kind"] for e in sent] == ["offered", "answered", "transferred", "ended"]
    call = Call.objects.get()
    assert call.number_e164 == "+6285711223344"
    assert call.call_taker == users["supervisor"] and call.transferred_to == "2001"
    assert call.answer_seconds == 12


def test_replaying_a_session_twice_changes_nothing(users, clients, bridge_token):
    replay(clients["anonymous"], bridge_token[1], "ami_answered.txt")
    before = list(Call.objects.values())
    replay(clients["anonymous"], bridge_token[1], "ami_answered.txt")
    assert list(Call.objects.values()) == before
