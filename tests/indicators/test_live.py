"""Live figures: what each module registers, computed from its own data; "no data" with a
reason, never a made-up zero; a missing or failing source shows "no data" too."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from kendali.core import registry
from kendali.core.actors import Actor
from kendali.indicators import selectors, services
from kendali.indicators.models import FigureSnapshot
from tests.indicators import helpers

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")
JULY = (date(2026, 7, 1), date(2026, 8, 1))
T = datetime(2026, 7, 10, 3, 0, tzinfo=UTC)  # 10:00 WIB


def compute(key, by_kecamatan=False, period=JULY):
    return services.figure_compute(
        actor=SYSTEM, key=key, start=period[0], end=period[1], by_kecamatan=by_kecamatan
    )


def test_every_module_figure_says_why_it_has_no_data(regions_loaded, frozen):
    keys = [
        f.key
        for f in registry.figures()
        if f.key.split(".")[0] in ("calls", "incidents", "dispatch", "sensors", "wifi", "alerts")
    ]
    assert len(keys) >= 20
    for key in keys:
        if key == "wifi.area_covered":
            continue  # a share of the area: 0 % is a real answer when no hotspot exists
        result = compute(key)
        assert result["value"] is None, key
        assert result["reason"], key


def test_unregistered_and_failing_sources_show_no_data(frozen):
    result = compute("spbe.index_not_installed")
    assert result["value"] is None and "belum terpasang" in result["reason"]
    registry.register_figure(
        registry.LiveFigure("test.broken", "x", "%", "tests.indicators.test_live.broken")
    )
    try:
        result = compute("test.broken")
        assert result["value"] is None and "gagal dihitung" in result["reason"]
    finally:
        registry._figures.pop("test.broken")


def broken(**kwargs):
    raise RuntimeError("database gone")


def test_calls_figures(db, frozen):
    for i, outcome in enumerate(["darurat", "darurat", "informasi", "iseng", "ghost", ""]):
        helpers.call(T + timedelta(minutes=i), outcome, answer_s=10 * (i + 1), talk_s=120)
    assert compute("calls.genuine_share")["value"] == 60.0  # 3 of 5 classified
    assert compute("calls.answer_seconds")["value"] == 35.0
    assert compute("calls.processing_minutes")["value"] == 2.0
    assert compute("calls.genuine_share", period=(date(2026, 6, 1), JULY[0]))["value"] is None


def test_incident_counts_by_kecamatan(regions_loaded, frozen):
    helpers.incident("kecelakaan", helpers.KASEMEN)
    helpers.incident("kecelakaan", helpers.SERANG)
    helpers.incident("kecelakaan", helpers.SERANG)
    helpers.incident("medis", helpers.SERANG)
    result = compute("incidents.traffic_accidents", by_kecamatan=True)
    assert result["value"] == 3.0
    assert result["by_kecamatan"]["36.73.02"] == 1.0 and result["by_kecamatan"]["36.73.01"] == 2.0
    assert len(result["by_kecamatan"]) == 6 and result["by_kecamatan"]["36.73.03"] == 0.0
    # Incidents were recorded, none of this kind: a real zero.
    assert compute("incidents.fires")["value"] == 0.0


def test_dispatch_response_time_from_initial_call(regions_loaded, agencies, frozen):
    from kendali.dispatch.models import Assignment, Unit

    unit = Unit.objects.create(
        agency=agencies["damkar"], callsign="DMK-1", kind="damkar", home_lat=-6.1, home_lon=106.1
    )
    incident = helpers.incident("kebakaran", helpers.SERANG)
    created = incident.created_at
    Assignment.objects.create(
        incident=incident,
        unit=unit,
        agency=agencies["damkar"],
        assigned_at=created + timedelta(minutes=2),
        on_scene_at=created + timedelta(minutes=12),
        status="selesai",
    )
    result = compute("dispatch.fire_response_minutes", by_kecamatan=True)
    assert result["value"] == pytest.approx(12.0)
    assert result["by_kecamatan"] == {"36.73.01": pytest.approx(12.0)}
    assert compute("dispatch.medical_response_minutes")["value"] is None


def test_sensor_uptime_counts_hours_with_readings(agencies, regions_loaded):
    with time_machine.travel(datetime(2026, 7, 2, 0, 0, tzinfo=UTC), tick=False):
        device = helpers.device("tma-1", "water_level", agencies["bpbd"])
        other = helpers.device("tma-2", "water_level", agencies["bpbd"], helpers.SERANG)
    # 1 July WIB starts at 30 June 17:00 UTC; check the day of 2 July WIB (24 h).
    day_start = datetime(2026, 7, 1, 17, 0, tzinfo=UTC)
    helpers.rollups(device, "currentLevel", day_start, 24)
    helpers.rollups(other, "currentLevel", day_start, 12)
    with time_machine.travel(datetime(2026, 7, 3, 0, 0, tzinfo=UTC), tick=False):
        result = compute(
            "sensors.uptime", by_kecamatan=True, period=(date(2026, 7, 2), date(2026, 7, 3))
        )
    assert result["value"] == 75.0
    assert result["by_kecamatan"] == {"36.73.02": 100.0, "36.73.01": 50.0}


def test_wifi_users_from_daily_rollups(db, frozen, regions_loaded):
    from kendali.wifi.models import DailyUsage, Park

    park = Park.objects.create(
        name="Taman Sari", lat=-6.12, lon=106.15, kelurahan_id="36.73.01.1001"
    )
    DailyUsage.objects.create(park=park, day=date(2026, 7, 3), unique_users=40, sessions=55)
    DailyUsage.objects.create(park=park, day=date(2026, 7, 4), unique_users=2, sessions=3)
    result = compute("wifi.users", by_kecamatan=True, period=(date(2026, 7, 1), date(2026, 7, 10)))
    assert result["value"] == 42.0 and result["by_kecamatan"] == {"36.73.01": 42.0}
    assert compute("wifi.sessions", period=(date(2026, 7, 1), date(2026, 7, 10)))["value"] == 58.0


def test_snapshot_feeds_overview_and_moves(regions_loaded, frozen):
    helpers.call(T, "darurat")
    services.snapshot_refresh(actor=SYSTEM)
    snap = FigureSnapshot.objects.get(figure_key="calls.genuine_share", year=2026)
    assert snap.value == 100.0
    helpers.call(T + timedelta(minutes=5), "iseng")
    services.snapshot_refresh(actor=SYSTEM)
    data = selectors.overview(actor=None, public=True)
    rows = {r.indicator.code: r for c in data["components"] for r in c["rows"]}
    assert rows["LIV-02"].current.value == 50.0
    assert rows["GOV-01"].current.value is None
    # The SPBE module gives the index once an evaluation is locked: none here, so "no data"
    # with its reason, never a zero.
    assert "SPBE" in rows["GOV-01"].current.reason
    assert rows["GOV-01"].registered
    assert [p.year for p in rows["LIV-02"].points] == [2022, 2023, 2024, 2025, 2026]


def test_park_visitors_per_day_and_at_weekends(db, frozen, regions_loaded):
    """Smart economy: visitors of one park on an average day, and of all parks on an average
    Saturday or Sunday; a park-day without a single user is no visit day."""
    from kendali.wifi.models import DailyUsage, Park

    sari = Park.objects.create(
        name="Taman Sari", lat=-6.12, lon=106.15, kelurahan_id="36.73.01.1001"
    )
    banten = Park.objects.create(
        name="Taman Banten Lama", lat=-6.03, lon=106.16, kelurahan_id="36.73.02.1003"
    )
    # Friday, Saturday and Sunday before the frozen Wednesday 15 July 2026.
    for day, at_sari, at_banten in [(10, 40, 10), (11, 90, 30), (12, 70, 0)]:
        DailyUsage.objects.create(park=sari, day=date(2026, 7, day), unique_users=at_sari)
        DailyUsage.objects.create(park=banten, day=date(2026, 7, day), unique_users=at_banten)
    period = (date(2026, 7, 1), date(2026, 7, 15))
    per_park = compute("wifi.visitors_per_park_day", by_kecamatan=True, period=period)
    assert per_park["value"] == 48.0  # 240 user-days over 5 park-days with use
    assert per_park["by_kecamatan"] == {"36.73.01": 66.7, "36.73.02": 20.0}
    weekend = compute("wifi.weekend_visitors", by_kecamatan=True, period=period)
    assert weekend["value"] == 95.0  # Saturday 120, Sunday 70
    assert weekend["by_kecamatan"] == {"36.73.01": 80.0, "36.73.02": 15.0}
    weekdays = (date(2026, 7, 13), date(2026, 7, 15))
    assert compute("wifi.weekend_visitors", period=weekdays)["value"] is None


def test_park_visitors_move_as_the_demo_city_runs(db, frozen, regions_loaded):
    """The live demo's Wi-Fi tick sends accounting through the real service; today's
    visitors are counted from it, so the economy figure moves minute by minute."""
    from kendali.wifi import demo_live
    from kendali.wifi.models import AccessPoint, Park, QuotaGroup, Subscriber

    park = Park.objects.create(
        name="Alun-alun Kota Serang", lat=-6.12, lon=106.15, kelurahan_id="36.73.01.1001"
    )
    AccessPoint.objects.create(
        park=park, name="Alun-alun", mac="48:8F:5A:99:00:09", nas_ip="10.99.0.9", ssid="S"
    )
    group = QuotaGroup.objects.create(name="Reguler")
    Subscriber.objects.bulk_create(
        Subscriber(username=f"pdemo{n:04d}", kind="phone", group=group) for n in range(120)
    )
    today = (date(2026, 7, 15), date(2026, 7, 16))
    assert compute("wifi.visitors_per_park_day", period=today)["value"] is None
    demo_live.demo_tick()
    first = compute("wifi.visitors_per_park_day", period=today)["value"]
    assert first and first >= 1
    frozen.shift(timedelta(minutes=20))
    demo_live.demo_tick()
    assert compute("wifi.visitors_per_park_day", period=today)["value"] > first
