"""What the BMD module gives and reads through the core registry: devices as KIB B items with
live state, maintenance tasks for offline or broken devices, figures, evidence, open data."""

from __future__ import annotations

from datetime import date, timedelta

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


def _figure(key, year, end=None, **kwargs):
    return run_selector(
        get_figure(key).selector,
        actor=Actor.system("t"),
        start=date(year, 1, 1),
        end=end or date(year + 1, 1, 1),
        **kwargs,
    )


def _book(bmd_actor, item, kind, day, **data):
    entry = services.entry_draft(
        actor=bmd_actor("pengurus_a"), item=item, kind=kind, entry_date=day, data=data
    )
    return services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=entry.pk)


def test_goods_let_for_pad_counted_from_the_ledger(regions_loaded, bmd, bmd_actor, laptop):
    """Sewa and KSP count while they run, as the ledger has them on each year's last day; a
    loan (pinjam pakai) earns nothing and does not count; a reversed entry never happened."""
    hall = services.item_draft(
        actor=bmd_actor("pengurus_a"),
        agency=bmd["agencies"]["dpupr"],
        code="1.3.3.01.01.01.001",
        name="Gedung kantor DPUPR",
        acquisition_date=date(2024, 1, 5),
        value="2400000000",
        certificate_number="PBG-DPUPR-001",
        lat=-6.0770,  # Kasemen
        lon=106.1532,
    )
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=hall.entries.get().pk)

    def count(year, end=None):
        return _figure("assets.third_party_use", year, end, by_kecamatan=True)

    assert count(2023)["value"] is None and "belum berisi" in count(2023)["reason"]
    assert count(2024)["value"] == 0.0  # goods on the register, none let: a real zero
    _book(bmd_actor, hall, EntryKind.USAGE, date(2025, 3, 1), usage="sewa", party="Bank Banten")
    _book(bmd_actor, laptop, EntryKind.USAGE, date(2025, 6, 1), usage="pinjam_pakai", party="Kodim")
    result = count(2025)
    assert result["value"] == 1.0
    assert result["by_kecamatan"]["36.73.02"] == 1.0 and result["by_kecamatan"]["36.73.01"] == 0.0
    assert count(2024)["value"] == 0.0  # the lease began after 2024: the past is unchanged
    ended = _book(bmd_actor, hall, EntryKind.USAGE_END, date(2026, 7, 1))
    today = date(2026, 7, 16)
    assert count(2026, today)["value"] == 0.0 and count(2025)["value"] == 1.0
    reversal = services.entry_reverse(
        actor=bmd_actor("pengurus_a"),
        entry_id=ended.pk,
        entry_date=date(2026, 7, 10),
        note="Salah bukukan: sewa diperpanjang",
    )
    assert count(2026, today)["value"] == 0.0  # a draft reversal changes nothing yet
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=reversal.pk)
    assert count(2026, today)["value"] == 1.0


def test_ict_condition_as_it_stood_each_year(bmd, bmd_actor, laptop, hotspot):

    def share(year, end=None):
        return _figure("assets.ict_good_share", year, end)["value"]

    _book(bmd_actor, laptop, EntryKind.CONDITION, date(2026, 2, 1), condition="KB")
    assert share(2026, date(2026, 7, 16)) == 50.0  # the laptop is Kurang Baik now
    assert share(2025) == 100.0  # both were in good condition at the end of 2025
    assert share(2024) is None  # neither had been bought yet


def _sensor(kind):
    def make():
        from kendali.core.models import Agency
        from kendali.sensors.services import device_create

        device, _ = device_create(
            actor=Actor.system("t"),
            code=f"uji-{kind}",
            name=f"Uji {kind}",
            kind=kind,
            agency=Agency.objects.get(code="diskominfo"),
            heartbeat_seconds=60,
        )
        return f"sensors.device:{device.pk}", "1.3.2.06.01.02.010"

    return make


def _access_point():
    from kendali.wifi.models import AccessPoint, Park

    park = Park.objects.create(name="Taman Uji", lat=-6.12, lon=106.15)
    ap = AccessPoint.objects.create(
        park=park, name="AP uji", mac="48:8F:5A:99:00:09", nas_ip="10.99.0.9", secret_encrypted="x"
    )
    return f"wifi.access_point:{ap.pk}", "1.3.2.10.02.04.003"


def _screen():
    from kendali.control.services import wall_display_register

    screen = wall_display_register(actor=Actor.system("t"), code="dinding-uji", name="Layar uji")
    return f"control.display:{screen.pk}", "1.3.2.06.01.02.011"


def _beat(ref):
    """The device says it is alive, the way its module hears it."""
    from django.utils import timezone

    key, pk = ref.rsplit(":", 1)
    if key == "sensors.device":
        from kendali.sensors.models import Device
        from kendali.sensors.services import device_heartbeat, readings_ingest

        device = Device.objects.get(pk=pk)
        variable = device.variables.first()
        if variable is None:
            device_heartbeat(actor=Actor.system("t"), code=device.code)
        else:
            readings_ingest(
                actor=Actor.system("t"),
                items=[
                    {
                        "device": device.code,
                        "variable": variable.name,
                        "time": timezone.now().isoformat(),
                        "value": 1.0,
                    }
                ],
            )
    elif key == "wifi.access_point":
        from kendali.wifi.models import AccessPoint
        from kendali.wifi.services import access_point_heartbeat

        access_point_heartbeat(actor=Actor.system("t"), ap=AccessPoint.objects.get(pk=pk))
    else:
        from kendali.control import services as control
        from kendali.control.models import WallDisplay

        control._seen_written.clear()
        control.wall_display_seen(actor=Actor.system("t"), code=WallDisplay.objects.get(pk=pk).code)


def _go_silent(ref):
    """Time passes without a word from the device; its module's own check notices."""
    key = ref.split(":", 1)[0]
    if key == "sensors.device":
        from django.utils import timezone

        from kendali.sensors.services import offline_check

        offline_check(now=timezone.now())
    elif key == "wifi.access_point":
        from kendali.wifi.services import access_points_sweep

        access_points_sweep()


@pytest.mark.parametrize(
    "make",
    [_sensor("water_level"), _sensor("camera"), _access_point, _screen],
    ids=["sensor", "camera", "access_point", "wall_screen"],
)
def test_every_device_kind_offline_or_broken_opens_a_task(bmd, bmd_actor, bmd_client, make):
    import time_machine
    from django.utils import timezone

    ref, code = make()
    item = services.item_draft(
        actor=bmd_actor("bpkad"),
        agency=bmd["agencies"]["diskominfo"],
        code=code,
        name="Perangkat uji",
        acquisition_date=date(2025, 3, 1),
        value="7250000",
        device_ref=ref,
    )
    services.entry_approve(actor=bmd_actor("bpkad2"), entry_id=item.entries.get().pk)
    _beat(ref)
    page = bmd_client("bpkad").get(f"/aset/{item.pk}/").content.decode()
    assert "live-state ok" in page and "Daring" in page
    assert services.devices_sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        _go_silent(ref)
        assert selectors.live_state(item, actor=bmd_actor("bpkad"))["online"] is False
        page = bmd_client("bpkad").get(f"/aset/{item.pk}/").content.decode()
        assert "live-state bad" in page and "Luring" in page
        assert services.devices_sweep() == 1
        assert services.devices_sweep() == 0
        # Reported broken (condition Rusak Berat, approved): a task of its own.
        entry = services.entry_draft(
            actor=bmd_actor("bpkad"),
            item=item,
            kind=EntryKind.CONDITION,
            entry_date=timezone.localdate(),
            data={"condition": "RB"},
        )
        services.entry_approve(actor=bmd_actor("bpkad2"), entry_id=entry.pk)
    reasons = sorted(MaintenanceTask.objects.filter(item=item).values_list("reason", flat=True))
    assert reasons == ["offline", "rusak"]
