"""The call-taker console in a real browser against a real server: a call from the PBX
pops on the call-taker's screen, "i" classifies it as iseng, an emergency becomes an
incident with the keyboard in well under 30 seconds, and a manual call is ended with "e"."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.livesite import ARTIFACTS, chromium_page, live_site, login

pytestmark = pytest.mark.browser

PASSWORD = "uji-konsol-2026!"


def _events(site, token, *events):
    now = datetime.now(UTC).isoformat()
    response = httpx.post(
        f"{site.url}/api/v1/telephony/events",
        json={"events": [{"at": now, **e} for e in events]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_console_keyboard_flow(tmp_path):
    with live_site(tmp_path) as site:
        site.cli(
            "createuser",
            "penerima",
            "--role",
            "call_taker_112",
            "--extension",
            "2101",
            "--password",
            PASSWORD,
        )
        token = (
            site.cli("token", "create", "pbx", "--scope", "telephony")
            .stdout.strip()
            .splitlines()[-1]
        )
        with chromium_page() as page:
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            login(page, site, "penerima", PASSWORD)
            page.goto(f"{site.url}/112/")
            page.wait_for_selector("html[data-live='live']", state="attached", timeout=15000)

            # 1. A prank call rings and is answered on extension 2101: the screen-pop shows it.
            first = _events(
                site,
                token,
                {"kind": "offered", "pbx_call_id": "b-1", "number": "081298765001"},
                {"kind": "answered", "pbx_call_id": "b-1", "extension": "2101"},
            )[0]["call_id"]
            page.wait_for_selector(f"#pop[data-call='{first}']:not([hidden])", timeout=10000)
            assert page.inner_text("#pop-number") == "+6281298765001"
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("i")
            page.wait_for_selector("#classify-state.ok", timeout=10000)
            assert "Iseng" in page.inner_text("#classify-state")
            stored = page.evaluate(f"Kendali.fetchJSON('/api/v1/calls/{first}')")
            assert stored["outcome"] == "iseng"

            # 2. A genuine emergency: type shortcut, kelurahan, address, description, Ctrl+Enter.
            second = _events(
                site,
                token,
                {"kind": "offered", "pbx_call_id": "b-2", "number": "085711223344"},
                {"kind": "answered", "pbx_call_id": "b-2", "extension": "2101"},
            )[0]["call_id"]
            page.wait_for_selector(f"#pop[data-call='{second}']:not([hidden])", timeout=10000)
            page.wait_for_selector("#kel-list option:nth-child(60)", state="attached")
            started = time.monotonic()
            page.keyboard.press("d")
            page.keyboard.type("k")  # kebakaran shortcut -> focus moves to the kelurahan search
            assert page.input_value("#type-search") == "Kebakaran"
            assert page.input_value("#priority") == "P1"
            page.keyboard.type("Cipare")
            page.keyboard.press("Tab")  # kelurahan chosen -> point, locate, duplicate check
            page.wait_for_selector("#locate-result:has-text('Cipare')")
            page.keyboard.type("Jl. Ahmad Yani depan toko")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            page.keyboard.type("Asap tebal dari rumah warga")
            page.keyboard.press("Control+Enter")
            page.wait_for_selector("#classify-state.ok >> text=112-", timeout=10000)
            elapsed = time.monotonic() - started
            assert elapsed < 30, elapsed
            stored = page.evaluate(f"Kendali.fetchJSON('/api/v1/calls/{second}')")
            assert stored["outcome"] == "darurat" and stored["incident_id"]
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "console-112.png"))

            # 3. No PBX: a call entered by hand (Alt+M) is ended with "e"; ending it again
            #    says it is already over.
            page.keyboard.press("Escape")
            page.keyboard.press("Alt+m")
            page.keyboard.type("081298765003")
            page.keyboard.press("Enter")
            page.wait_for_selector("#pop-number:has-text('+6281298765003')", timeout=10000)
            manual = int(page.get_attribute("#pop", "data-call"))
            # Enter left the number field: the very next key acts on the call (no Esc).
            assert page.evaluate("document.activeElement.id") != "manual-number"
            meta = page.inner_text("#pop-meta")
            assert "· ·" not in meta and "manual" in meta, meta
            page.keyboard.press("e")
            page.wait_for_selector("#classify-state.ok >> text=diakhiri", timeout=10000)
            # The manual call's own screen-pop comes over the stream too, maybe only now: it
            # must not wipe the confirmation or the ended state.
            page.wait_for_timeout(1500)
            assert "diakhiri" in page.inner_text("#classify-state")
            assert page.is_disabled("#btn-end")
            assert "Selesai" in page.inner_text("#pop-state")
            stored = page.evaluate(f"Kendali.fetchJSON('/api/v1/calls/{manual}')")
            assert stored["state"] == "ended" and stored["ended_at"]
            page.keyboard.press("e")  # already ended: the server's clear refusal is shown
            page.wait_for_selector("#classify-state.err >> text=sudah selesai", timeout=10000)
            page.keyboard.press("g")  # still tagged afterwards; it then leaves the queue
            page.wait_for_selector("#classify-state.ok >> text=Ghost", timeout=10000)
            page.wait_for_selector(f"#queue tr[data-id='{manual}']", state="detached")
            # A noise call by hand: Alt+M, the number, Enter, I — five keys, no more.
            page.keyboard.press("Alt+m")
            page.keyboard.type("081298765004")
            page.keyboard.press("Enter")
            page.wait_for_selector("#pop-number:has-text('+6281298765004')", timeout=10000)
            noise = int(page.get_attribute("#pop", "data-call"))
            page.keyboard.press("i")
            page.wait_for_selector("#classify-state.ok >> text=Iseng", timeout=10000)
            stored = page.evaluate(f"Kendali.fetchJSON('/api/v1/calls/{noise}')")
            assert stored["outcome"] == "iseng"
            assert errors == [], errors
