"""The recommendation's unit index follows a moving fleet incrementally and always equals a
fresh rebuild and the naive scan: positions, status changes, new, retired and deleted units,
writes that bypass the services, two changes in one clock tick, and rolled-back writes.

Transactional (committed writes), because the index only keeps what is committed."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import F

from kendali.core.actors import Actor
from kendali.dispatch import selectors, services
from kendali.dispatch.models import Unit
from kendali.dispatch.travel import UnitIndex, naive_rank, unit_index

pytestmark = pytest.mark.django_db(transaction=True)

POINTS = [(-6.1175, 106.1540), (-6.1500, 106.2000), (-6.0900, 106.1100)]


def fresh_entries() -> dict[int, tuple]:
    rows = Unit.objects.filter(is_active=True).values_list(
        "id", "callsign", "agency_id", "kind", "status", "lat", "lon", "home_lat", "home_lon"
    )
    index = UnitIndex(list(rows))
    return entries(index)


def entries(index: UnitIndex) -> dict[int, tuple]:
    return {
        int(index.ids[i]): (
            index.callsigns[i],
            int(index.agency[i]),
            index.kinds[i],
            index.statuses[i],
            bool(index.available[i]),
            round(float(index.lat[i]), 9),
            round(float(index.lon[i]), 9),
        )
        for i in range(len(index.ids))
    }


def assert_current() -> None:
    """The incrementally kept index equals a rebuild, and ranks like the naive scan."""
    index = unit_index()
    assert entries(index) == fresh_entries()
    for lat, lon in POINTS:
        for kinds in (None, ["pemadam"], ["ambulans", "pln"]):
            fast = [c.unit_id for c in index.rank(to_lat=lat, to_lon=lon, kinds=kinds, limit=8)]
            slow = [
                pk
                for _eta, pk in naive_rank(
                    Unit.objects.all(), to_lat=lat, to_lon=lon, kinds=kinds, limit=8
                )
            ]
            assert fast == slow


@pytest.fixture
def moving_fleet(fleet, agencies, dinkes):
    """The five fixture units plus twenty more, spread over the city."""
    rng = random.Random(18)
    actor = Actor.system("test")
    units = dict(fleet)
    for n in range(20):
        kind = ["pemadam", "ambulans", "pln"][n % 3]
        agency = {"pemadam": agencies["damkar"], "ambulans": dinkes, "pln": agencies["pln"]}[kind]
        units[f"X-{n}"] = services.unit_create(
            actor=actor,
            agency=agency,
            callsign=f"X-{n}",
            kind=kind,
            home_lat=rng.uniform(-6.19, -6.03),
            home_lon=rng.uniform(106.09, 106.25),
        )
    return units


def test_index_follows_moves_status_changes_and_new_and_retired_units(
    moving_fleet, actor_of, time_machine
):
    start = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 03:00 WIB
    time_machine.move_to(start, tick=False)
    rng = random.Random(7)
    crew = actor_of("supervisor")
    assert_current()  # first use: full read
    names = sorted(moving_fleet)
    for step in range(1, 31):
        time_machine.move_to(start + timedelta(seconds=10 * step), tick=False)
        for name in rng.sample(names, 6):
            unit = Unit.objects.get(pk=moving_fleet[name].pk)
            result = services.unit_report_positions(
                actor=crew,
                unit=unit,
                positions=[
                    {
                        "lat": unit.cur_lat + rng.uniform(-0.002, 0.002),
                        "lon": unit.cur_lon + rng.uniform(-0.002, 0.002),
                    }
                ],
            )
            assert result["accepted"] == 1
        unit = Unit.objects.get(pk=moving_fleet[rng.choice(names)].pk)
        target = "tidak_siaga" if unit.status == "tersedia" else "tersedia"
        services.unit_set_status(actor=crew, unit=unit, status=target)
        assert_current()

    # A write that bypasses the services (an admin's bulk update) is seen too.
    Unit.objects.filter(kind="pln").update(lat=F("home_lat") + 0.01, lon=F("home_lon") - 0.01)
    assert_current()
    # A new unit appears; a retired one disappears; a reactivated one comes back.
    services.unit_create(
        actor=Actor.system("test"),
        agency=moving_fleet["DMK-1"].agency,
        callsign="DMK-9",
        kind="pemadam",
        home_lat=-6.1176,
        home_lon=106.1541,
    )
    assert_current()
    services.unit_update(actor=actor_of("supervisor"), unit=moving_fleet["X-0"], is_active=False)
    assert_current()
    services.unit_update(actor=actor_of("supervisor"), unit=moving_fleet["X-0"], is_active=True)
    assert_current()
    services.unit_delete(actor=actor_of("supervisor"), unit=moving_fleet["X-1"])
    assert not Unit.objects.filter(pk=moving_fleet["X-1"].pk).exists()
    assert_current()


def test_two_changes_in_one_clock_tick_are_both_seen(moving_fleet, make_incident, actor_of):
    """The clock stands still (same updated_at for every write): the index must not rely
    on time. An assignment and a position in the same instant both show."""
    import time_machine

    dispatcher = actor_of("dispatcher")
    with time_machine.travel(datetime(2026, 11, 30, 17, 0, tzinfo=UTC), tick=False):
        incident = make_incident()
        other = make_incident()
        before = selectors.recommend(actor=dispatcher, incident=other)["candidates"]
        assert before[0]["callsign"] == "DMK-1"
        services.assignment_create(actor=dispatcher, incident=incident, unit=moving_fleet["DMK-1"])
        services.unit_report_positions(
            actor=actor_of("supervisor"),
            unit=moving_fleet["DMK-3"],
            positions=[{"lat": -6.1176, "lon": 106.1541}],
        )
        after = selectors.recommend(actor=dispatcher, incident=other)["candidates"]
        assert_current()
    callsigns = [c["callsign"] for c in after]
    assert "DMK-1" not in callsigns
    assert callsigns[0] == "DMK-3"  # moved next to the incident in the same tick


def test_a_rolled_back_write_leaves_no_trace_in_the_index(moving_fleet, actor_of):
    assert_current()
    unit = moving_fleet["DMK-2"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.unit_report_positions(
            actor=actor_of("supervisor"), unit=unit, positions=[{"lat": -6.1175, "lon": 106.154}]
        )
        Unit.objects.filter(pk=moving_fleet["DMK-3"].pk).update(status="tidak_siaga")
        inside = unit_index()  # sees this transaction's own writes…
        assert entries(inside)[moving_fleet["DMK-3"].pk][3] == "tidak_siaga"
        raise RuntimeError("rollback")
    assert_current()  # …but keeps none of them once rolled back
    assert entries(unit_index())[moving_fleet["DMK-3"].pk][3] == "tersedia"


def test_the_index_reads_only_changed_units(moving_fleet, actor_of, django_assert_max_num_queries):
    """After the first read, every call is one query: the clock alone when nothing
    changed, the clock and the moved unit's row (not the whole table) when one moved."""
    unit_index()
    with django_assert_max_num_queries(1):
        unit_index()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.unit_report_positions(
        actor=actor_of("supervisor"),
        unit=moving_fleet["AMB-1"],
        positions=[{"lat": -6.12, "lon": 106.152}],
    )
    with CaptureQueriesContext(connection) as queries:
        index = unit_index()
    assert len(queries) == 1
    assert "index_version" in queries[0]["sql"]
    assert entries(index)[moving_fleet["AMB-1"].pk][5] == -6.12


def test_a_position_report_is_recorded_with_its_reporter_and_published(
    moving_fleet, actor_of, django_capture_on_commit_callbacks
):
    from kendali.core.events import get_store
    from kendali.dispatch.models import UnitPosition

    unit = moving_fleet["DMK-2"]
    last = get_store().latest_id()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.unit_report_positions(
            actor=actor_of("supervisor"),
            unit=unit,
            positions=[{"lat": -6.1401, "lon": 106.1702, "accuracy": 8}],
        )
    assert result == {"accepted": 1, "ignored": 0, "rejected": []}
    row = UnitPosition.objects.get(unit=unit)
    assert (row.lat, row.lon, row.accuracy_m) == (-6.1401, 106.1702, 8.0)
    assert row.reported_by == actor_of("supervisor").label
    stored = Unit.objects.get(pk=unit.pk)
    assert stored.position_at == row.at and (stored.lat, stored.lon) == (-6.1401, 106.1702)
    moved = [e for e in get_store().read_after(last) if e.topic == "dispatch.unit.moved"]
    assert [(e.data["id"], e.data["lat"], e.data["lon"]) for e in moved] == [
        (unit.pk, -6.1401, 106.1702)
    ]
    assert list(moved[0].agency_ids) == [unit.agency_id]
