"""The dispatch loop in a real browser against a real `kendali serve` with the demo data:
the dispatcher picks an incident and presses "1" to send the first recommended unit, the
agency officer accepts in the inbox, and the crew presses the big "Menuju lokasi" button."""

from __future__ import annotations

import pytest

from kendali.core.demo import DEMO_PASSWORD
from tests.livesite import ARTIFACTS, chromium_page, live_site, login

pytestmark = pytest.mark.browser


def test_keyboard_assign_inbox_acknowledge_and_crew_button(tmp_path):
    with live_site(tmp_path, demo=True) as site:
        with chromium_page() as page:
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(site.url) else None,
            )
            login(page, site, "dispatcher", DEMO_PASSWORD)
            page.goto(f"{site.url}/dispatch/")
            page.wait_for_selector(
                "#live-status[data-state='live']", state="attached", timeout=15000
            )
            page.wait_for_selector(".incident-row.selected", timeout=15000)
            page.wait_for_selector("#panel .candidate[data-key='1']", timeout=15000)
            callsign = page.get_attribute("#panel .candidate[data-key='1']", "data-callsign")
            page.locator("body").press("1")
            page.wait_for_selector(
                f"#dispatch-msg:has-text('{callsign} ditugaskan')", timeout=15000
            )
            # The board picks the new assignment up (live refresh) and the map shows units.
            page.wait_for_selector(
                f"#board .incident-row.selected:has-text('{callsign}')", timeout=15000
            )
            page.wait_for_selector("#dispatch-map .leaflet-interactive", timeout=15000)
            # Pressing "1" again for the same unit is no longer possible: it left the list.
            page.wait_for_selector(
                f"#panel .candidate[data-callsign='{callsign}']", state="detached", timeout=15000
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "dispatch-board.png"))
            assert errors == [], errors
            assert external == [], external

        # The demo sent Damkar engines to a P1 fire: its officer accepts and a crew moves.
        with chromium_page(viewport=(412, 860)) as page:
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            login(page, site, "damkar", DEMO_PASSWORD)
            page.goto(f"{site.url}/dispatch/kotak-masuk/")
            unit = page.inner_text(
                "table.grid >> nth=0 >> tbody tr >> nth=0 >> td >> nth=1"
            ).strip()
            assert unit.startswith("DMK-")
            page.locator(f"tr:has-text('Penugasan {unit}') button").click()
            page.wait_for_selector(".msg-success", timeout=15000)
            assert "✓" in page.inner_text(f"tr:has-text('Penugasan {unit}')")
            page.goto(f"{site.url}/dispatch/kru/")
            value = page.get_attribute(f"#crew-unit-select option:has-text('{unit}')", "value")
            page.select_option("#crew-unit-select", value)  # the page reloads for that unit
            page.wait_for_url(f"**/dispatch/kru/?unit={value}", timeout=15000)
            page.click("button.crew-menuju")
            page.wait_for_selector(".crew-title .badge.unit-menuju", timeout=15000)
            page.screenshot(path=str(ARTIFACTS / "dispatch-crew.png"))
            assert errors == [], errors
