"""Batch ingest: per-item reasons, idempotency, rollups under out-of-order and duplicate
bursts, token rules (401/403) and the body size limit (413)."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings

from kendali.sensors.models import Reading, RollupHour, RollupMinute
from kendali.sensors.services import readings_ingest
from tests.sensors.conftest import T0, readings

NOW = T0 + timedelta(hours=3)


def post(client, token, body):
    return client.post(
        "/api/v1/sensors/readings",
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@time_machine.travel(NOW, tick=False)
def test_each_bad_item_is_rejected_with_its_reason(make_device, clients):
    device, _token = make_device()
    good = {"device": device.code, "variable": "currentLevel", "time": T0.isoformat()}
    body = (
        "["
        + ",".join(
            [
                json.dumps({**good, "value": 1.25}),
                json.dumps({**good, "value": float("nan")}),  # NaN literal in the JSON
                json.dumps({**good, "value": float("inf")}),
                json.dumps({**good, "value": "1.3"}),
                json.dumps({**good, "value": 1.3, "unit": "cm"}),
                json.dumps({**good, "value": 1.3, "time": (NOW + timedelta(days=1)).isoformat()}),
                json.dumps({**good, "value": 1.3, "time": "kemarin"}),
                json.dumps({**good, "value": 1.3, "time": "2026-11-28T02:00:00"}),  # no zone
                json.dumps({**good, "value": 1.3, "variable": "pm25"}),
                json.dumps({**good, "value": 1.3, "device": "tidak-ada"}),
                json.dumps(
                    {
                        **good,
                        "value": 1.5,
                        "unit": "m",
                        "time": (T0 + timedelta(seconds=60)).isoformat(),
                    }
                ),
            ]
        )
        + "]"
    )
    # An operator's session may write any device (a device token only its own).
    response = clients["operator"].post(
        "/api/v1/sensors/readings", data=body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["stored"] == 2
    codes = {r["index"]: r["code"] for r in result["rejected"]}
    assert codes == {
        1: "not-finite",
        2: "not-finite",
        3: "not-a-number",
        4: "wrong-unit",
        5: "future-time",
        6: "bad-time",
        7: "bad-time",
        8: "unknown-variable",
        9: "unknown-device",
    }
    assert all(r["reason"] for r in result["rejected"])
    assert Reading.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_resending_a_batch_stores_nothing_twice(device, system):
    batch = readings(device.code, [1.0, 1.1, 1.2])
    first = readings_ingest(actor=system, items=batch)
    again = readings_ingest(actor=system, items=batch + batch[:1])
    assert (first.stored, first.duplicates) == (3, 0)
    assert (again.stored, again.duplicates) == (0, 4)
    assert Reading.objects.count() == 3
    assert sum(RollupMinute.objects.values_list("count", flat=True)) == 3


@time_machine.travel(NOW, tick=False)
def test_rollups_match_raw_after_out_of_order_and_duplicate_bursts(device, system):
    rng = random.Random(7)
    # 2 hours at 5-second resolution, shuffled, cut into bursts, some re-sent.
    values = [round(rng.uniform(0.5, 3.5), 3) for _ in range(1440)]
    items = readings(device.code, values, step=5)
    rng.shuffle(items)
    bursts = [items[i : i + 97] for i in range(0, len(items), 97)]
    for i, burst in enumerate(bursts):
        readings_ingest(actor=system, items=burst)
        if i % 3 == 0:
            readings_ingest(actor=system, items=burst[::2])  # duplicates
    raw = list(Reading.objects.values_list("time", "value"))
    assert len(raw) == 1440
    for model, width in ((RollupMinute, 60), (RollupHour, 3600)):
        expected: dict = {}
        for t, v in raw:
            key = int(t.timestamp() // width) * width
            agg = expected.setdefault(key, [0, 0.0, v, v])
            agg[0] += 1
            agg[1] += v
            agg[2] = min(agg[2], v)
            agg[3] = max(agg[3], v)
        got = {
            int(r.bucket.timestamp()): [r.count, r.total, r.minimum, r.maximum]
            for r in model.objects.all()
        }
        assert got.keys() == expected.keys()
        for key, (count, total, lo, hi) in expected.items():
            assert got[key][0] == count
            assert got[key][1] == pytest.approx(total)
            assert (got[key][2], got[key][3]) == (lo, hi)


@time_machine.travel(NOW, tick=False)
def test_latest_value_never_moves_back_in_time(device, system):
    readings_ingest(actor=system, items=readings(device.code, [2.0], start=T0 + timedelta(hours=1)))
    readings_ingest(actor=system, items=readings(device.code, [9.0], start=T0))
    variable = device.variables.get(name="currentLevel")
    device.refresh_from_db()
    assert variable.last_value == 2.0
    assert device.last_value_at == T0 + timedelta(hours=1)
    assert device.status == "online"


@time_machine.travel(NOW, tick=False)
def test_unknown_or_revoked_token_is_401(device, make_device, system):
    from kendali.core.models import MachineToken
    from kendali.core.services import token_revoke

    response = post(Client(), "knd_00000000_bukan", readings(device.code, [1.0]))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    other, token = make_device(code="tma-2")
    token_revoke(actor=system, token_id=MachineToken.objects.get(subject_id=str(other.pk)).pk)
    response = post(Client(), token, readings(other.code, [1.0]))
    assert response.status_code == 401
    assert Reading.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_device_token_may_write_only_its_own_device(make_device):
    mine, token = make_device(code="tma-saya")
    other, _ = make_device(code="tma-lain")
    response = post(Client(), token, readings(other.code, [1.0]))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    # Omitting "device" means the token's own device.
    items = [{"variable": "currentLevel", "time": T0.isoformat(), "value": 1.0}]
    response = post(Client(), token, items)
    assert response.json()["stored"] == 1
    assert Reading.objects.get().variable.device == mine


@time_machine.travel(NOW, tick=False)
def test_body_over_the_limit_is_413_problem(make_device):
    device, token = make_device()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048):
        response = post(Client(), token, readings(device.code, [1.0] * 100))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/problem+json")
    assert Reading.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_batch_over_ten_thousand_is_refused(make_device):
    device, token = make_device()
    response = post(Client(), token, readings(device.code, [1.0] * 10_001, step=1))
    assert response.status_code == 422
    assert Reading.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_readings_older_than_retention_are_refused(device, system):
    old = readings(device.code, [1.0], start=NOW - timedelta(days=400))
    result = readings_ingest(actor=system, items=old)
    assert [r["code"] for r in result.rejected] == ["too-old"]


@time_machine.travel(NOW, tick=False)
def test_history_picks_the_resolution_by_range(device, system, clients):
    readings_ingest(actor=system, items=readings(device.code, [1.0, 2.0, 3.0], step=20))
    url = f"/api/v1/sensors/devices/{device.code}/history?variable=currentLevel"
    short = clients["viewer"].get(url + "&start=2026-11-28T01:00:00Z&end=2026-11-28T03:00:00Z")
    day = clients["viewer"].get(url + "&start=2026-11-27T03:00:00Z&end=2026-11-28T03:00:00Z")
    month = clients["viewer"].get(url + "&start=2026-11-01T00:00:00Z&end=2026-11-28T03:00:00Z")
    assert short.json()["resolution"] == "raw" and len(short.json()["points"]) == 3
    minute = day.json()
    assert minute["resolution"] == "1m"
    assert minute["points"][0]["count"] == 3 and minute["points"][0]["mean"] == 2.0
    assert (minute["points"][0]["min"], minute["points"][0]["max"]) == (1.0, 3.0)
    assert month.json()["resolution"] == "1h"


@time_machine.travel(NOW, tick=False)
def test_values_and_times_out_of_range_are_rejected_per_item(device, clients):
    """A huge integer (no float holds it) and a time that leaves datetime's range once
    converted to UTC are two bad items, not a failed batch."""
    good = {"device": device.code, "variable": "currentLevel"}
    body = (
        "["
        + ",".join(
            [
                json.dumps({**good, "time": T0.isoformat(), "value": 1.25}),
                # a JSON integer literal of 400 digits
                json.dumps({**good, "time": T0.isoformat(), "value": 0}).replace(
                    '"value": 0', '"value": 1' + "0" * 400
                ),
                json.dumps({**good, "time": "0001-01-01T00:00:00+14:00", "value": 1.0}),
                json.dumps({**good, "time": "9999-12-31T23:59:59-14:00", "value": 1.0}),
                json.dumps({**good, "time": T0.isoformat(), "value": 1e300}),
                json.dumps({**good, "time": T0.isoformat(), "value": 2.0, "device": ["x"]}),
                json.dumps({**good, "time": (T0 + timedelta(minutes=1)).isoformat(), "value": 1.5}),
            ]
        )
        + "]"
    )
    response = clients["operator"].post(
        "/api/v1/sensors/readings", data=body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["stored"] == 2
    assert {r["index"]: r["code"] for r in result["rejected"]} == {
        1: "not-a-number",
        2: "bad-time",
        3: "bad-time",
        4: "out-of-range",
        5: "unknown-device",
    }
    assert sorted(Reading.objects.values_list("value", flat=True)) == [1.25, 1.5]


def test_purge_then_query_is_served_from_the_rollups(device, system, users, monkeypatch):
    """The retention job deletes raw readings older than the retention (rollups stay); a
    short range that starts before the raw window is then answered from the 1-minute
    rollups instead of the (now empty) raw table."""
    from urllib.parse import urlencode

    from kendali.sensors import conf
    from kendali.sensors.services import job_retention, readings_purge

    def history(start, end):
        # a fresh login at the travelled-to time (sessions of 8 days ago have expired)
        client = Client()
        client.force_login(users["viewer"])
        query = urlencode(
            {"variable": "currentLevel", "start": start.isoformat(), "end": end.isoformat()}
        )
        response = client.get(f"/api/v1/sensors/devices/{device.code}/history?{query}")
        assert response.status_code == 200, response.content
        return response.json()

    monkeypatch.setattr(conf, "RAW_RETENTION_DAYS", 7)
    with time_machine.travel(NOW, tick=False):
        readings_ingest(actor=system, items=readings(device.code, [1.0, 2.0, 3.0], step=20))
        last = NOW - timedelta(minutes=1)
        readings_ingest(actor=system, items=readings(device.code, [5.0], start=last))
    start, end = T0 - timedelta(hours=1), NOW  # 4 hours around the readings
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        assert readings_purge() == 0  # still inside the raw window
        assert history(start, end)["resolution"] == "raw"
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        job_retention()
        assert Reading.objects.count() == 0
        assert RollupMinute.objects.count() == 2 and RollupHour.objects.count() == 2
        body = history(start, end)
    assert body["resolution"] == "1m"
    assert [(p["count"], p["mean"], p["min"], p["max"]) for p in body["points"]] == [
        (3, 2.0, 1.0, 3.0),
        (1, 5.0, 5.0, 5.0),
    ]
    # readings inside the raw window stay raw, and short recent ranges are served raw
    later = NOW + timedelta(days=8)
    with time_machine.travel(later, tick=False):
        recent = later - timedelta(hours=1)
        readings_ingest(actor=system, items=readings(device.code, [4.0], start=recent))
        assert readings_purge() == 0
        body = history(later - timedelta(hours=2), later)
    assert body["resolution"] == "raw" and [p["mean"] for p in body["points"]] == [4.0]
