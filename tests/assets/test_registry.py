"""What the BMD module gives and reads through the core registry: devices as KIB B items with
live state, maintenance tasks for offline or broken devices, figures, evidence, open data."""

from __future__ import annotations

from datetime import date

import pytest

from kendali.assets import selectors, services
from kendali.assets.choices import EntryKind
from kendali.assets.models import MaintenanceTask
from kendali.core.actors import Actor
from kendali.core.registry import (
    datasets,
    evidence_sources,
    get_figure,
    run_selector,
    system_components,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotspot(bmd, bmd_actor):
    from kendali.wifi.models import AccessPoint, Park

    park = Park.objects.create(name="Taman Sari", lat=-6.123, lon=106.149)
    ap = AccessPoint.objects.create(
        park=park,
        name="Taman Sari 1",
        mac="48:8F:5A:99:00:01",
        nas_ip="10.99.0.1",
        secret_encrypted="x",
        ssid="TamanSari",
        status="offline",
    )
    item = services.item_draft(
        actor=bmd_actor("bpkad"),
        agency=bmd["agencies"]["diskominfo"],
        code="1.3.2.10.02.04.003",
        name="Access point Taman Sari",
        acquisition_date=date(2025, 3, 1),
        value="4850000",
        device_ref=f"wifi.access_point:{ap.pk}",
    )
    services.entry_approve(actor=bmd_actor("bpkad2"), entry_id=item.entries.get().pk)
    item.refresh_from_db()
    return item, ap


def test_hotspot_item_shows_live_state_and_offline_opens_a_task(bmd, bmd_actor, hotspot):
    item, ap = hotspot
    state = selectors.live_state(item, actor=bmd_actor("bpkad"))
    assert state["online"] is False and "Taman Sari" in state["summary"]
    assert services.devices_sweep() == 1
    assert services.devices_sweep() == 0  # one open task per reason, not one per sweep
    assert MaintenanceTask.objects.get(item=item).reason == "offline"
    refs = [
        d["ref"]
        for d in run_selector("kendali.wifi.asset_sources.devices", actor=Actor.system("t"))
    ]
    assert item.device_ref in refs


def test_broken_condition_opens_a_task(bmd, bmd_actor, laptop):
    e = services.entry_draft(
        actor=bmd_actor("pengurus_a"),
        item=laptop,
        kind=EntryKind.CONDITION,
        entry_date=date(2026, 7, 10),
        data={"condition": "RB"},
    )
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=e.pk)
    assert MaintenanceTask.objects.get(item=laptop).reason == "rusak"


def test_figures_evidence_and_open_data(bmd, bmd_actor, laptop, hotspot):
    actor = Actor.system("t")
    figure = get_figure("assets.ict_good_share")
    value = run_selector(
        figure.selector, actor=actor, start=date(2026, 1, 1), end=date(2026, 7, 16)
    )
    assert value["value"] == 100.0 and value["unit"] == "%"
    linked = run_selector(
        get_figure("assets.ict_devices_registered").selector,
        actor=actor,
        start=date(2026, 1, 1),
        end=date(2026, 7, 16),
    )
    assert linked["value"] == 100.0
    keys = {e.key for e in evidence_sources()}
    assert {"assets.ict_management", "assets.bmd_service"} <= keys
    evidence = run_selector("kendali.assets.evidence.ict_management", actor=actor, year=2026)
    assert evidence["figures"]
    dataset = next(d for d in datasets() if d.key == "assets.summary_by_opd")
    rows = list(run_selector(dataset.rows, start=date(2026, 1, 1), end=date(2026, 7, 1)))
    assert {r["opd"] for r in rows} == {"DPUPR", "Diskominfo"}
    assert set(rows[0]) == set(dataset.columns)
    assert "assets.app" in {c.key for c in system_components()}
    layer = run_selector("kendali.assets.selectors.assets_layer", actor=bmd_actor("pengurus_a"))
    assert layer["type"] == "FeatureCollection"
