"""Alarm rules: threshold with duration, bands, rate of rise, offline, once-per-episode
auto-incident, acknowledgement races, JSON round trip, notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from kendali.core.errors import Conflict, Invalid
from kendali.core.models import NotificationDelivery
from kendali.sensors import incidentlink
from kendali.sensors.models import Alarm, Rule
from kendali.sensors.services import (
    alarm_acknowledge,
    offline_check,
    readings_ingest,
    rule_save,
    rules_export,
    rules_import,
    rules_tick,
    subscription_save,
)
from tests.sensors.conftest import T0, readings

FLOOD_BANDS = {"waspada": 1.5, "siaga": 2.0, "awas": 2.5}


@pytest.fixture
def bands_rule(device, system):
    return rule_save(
        actor=system,
        device=device,
        name="Tingkat banjir Kasemen",
        variable="currentLevel",
        kind="bands",
        **FLOOD_BANDS,
        open_incident=True,
        incident_level="awas",
        incident_agencies=["bpbd"],
    )


@pytest.fixture
def incidents_opened(monkeypatch):
    """Counts auto-incidents without depending on the incidents app being migrated."""
    opened = []

    def fake_open(*, actor, alarm, rule):
        opened.append(alarm.pk)
        return 1000 + len(opened), f"112-2026-{len(opened):06d}", ""

    monkeypatch.setattr(incidentlink, "open_incident", fake_open)
    return opened


def test_threshold_must_hold_for_its_duration(device, system):
    rule_save(
        actor=system,
        device=device,
        name="Di atas siaga 10 menit",
        variable="currentLevel",
        kind="threshold",
        operator="above",
        threshold=2.0,
        duration_seconds=600,
        level="siaga",
    )
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.2]))
        assert rules_tick() == 0
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        readings_ingest(
            actor=system, items=readings(device.code, [2.3], start=T0 + timedelta(minutes=5))
        )
        assert rules_tick() == 0
        assert not Alarm.objects.exists()
    # No new reading, but ten minutes have passed with the level still above.
    with time_machine.travel(T0 + timedelta(minutes=10, seconds=5), tick=False):
        assert rules_tick() == 1
    alarm = Alarm.objects.get()
    assert alarm.level == "siaga" and alarm.status == "active"
    assert alarm.started_at == T0


def test_threshold_interrupted_before_duration_raises_nothing(device, system):
    rule_save(
        actor=system,
        device=device,
        name="Di atas siaga 10 menit",
        variable="currentLevel",
        kind="threshold",
        threshold=2.0,
        duration_seconds=600,
    )
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        # above for 5 minutes, a dip, above again for 9 minutes
        values = [2.1] * 5 + [1.9] + [2.1] * 10
        readings_ingest(actor=system, items=readings(device.code, values))
        assert not Alarm.objects.exists()
        readings_ingest(
            actor=system, items=readings(device.code, [2.1], start=T0 + timedelta(minutes=16))
        )
    assert Alarm.objects.get().started_at == T0 + timedelta(minutes=6)


def test_flood_wave_opens_one_incident_per_episode(device, system, bands_rule, incidents_opened):
    wave = [1.0, 1.6, 1.8, 2.1, 2.4, 2.6, 2.8, 2.9, 2.7, 2.6, 2.55]
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        # reading by reading, as a gauge sends them
        for i, value in enumerate(wave):
            readings_ingest(
                actor=system,
                items=readings(device.code, [value], start=T0 + timedelta(minutes=i)),
            )
        alarm = Alarm.objects.get()
        assert (alarm.level, alarm.peak_level) == ("awas", "awas")
        assert incidents_opened == [alarm.pk]
        assert alarm.incident_number == "112-2026-000001"
        # the water recedes: the episode ends and the alarm clears by itself
        readings_ingest(
            actor=system, items=readings(device.code, [1.2], start=T0 + timedelta(minutes=20))
        )
        alarm.refresh_from_db()
        assert alarm.status == "cleared"
        # a second wave is a new episode: a new alarm and a second incident
        readings_ingest(
            actor=system,
            items=readings(device.code, [2.0, 2.6, 2.7], start=T0 + timedelta(minutes=30)),
        )
    assert Alarm.objects.count() == 2
    assert len(incidents_opened) == 2


def test_auto_incident_through_the_incidents_service(device, system, bands_rule, regions_loaded):
    from kendali.core.models import AuditEntry
    from kendali.incidents.models import Incident, IncidentType

    if not IncidentType.objects.filter(code="banjir").exists():
        IncidentType.objects.create(code="banjir", name="Banjir", default_priority="P2")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.6, 2.7, 2.9, 3.0]))
    incident = Incident.objects.get()
    assert incident.priority == "P1" and incident.source == "sensor"
    assert list(incident.agencies.values_list("code", flat=True)) == ["bpbd"]
    assert Alarm.objects.get().incident_id == incident.pk
    # Asked for on behalf of whoever brought the reading, and the audit says so.
    created = AuditEntry.objects.get(object_type="incidents.incident", action="incident.create")
    assert created.on_behalf == "sensors.open_incident"
    assert created.actor_label == system.label


def test_out_of_order_burst_does_not_flap_the_alarm(device, system, bands_rule, incidents_opened):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(
            actor=system, items=readings(device.code, [2.2], start=T0 + timedelta(minutes=10))
        )
        # older, normal readings arriving late are history, not a return to normal
        readings_ingest(actor=system, items=readings(device.code, [1.0] * 5))
    assert Alarm.objects.get().status == "active"


def test_rate_of_rise(device, system):
    rule_save(
        actor=system,
        device=device,
        name="Naik cepat",
        variable="currentLevel",
        kind="rate_of_rise",
        threshold=0.5,
        window_seconds=600,
        level="waspada",
    )
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [1.0, 1.1, 1.2]))
        assert not Alarm.objects.exists()
        readings_ingest(
            actor=system, items=readings(device.code, [1.6], start=T0 + timedelta(minutes=5))
        )
    assert Alarm.objects.get().level == "waspada"


def test_offline_after_twice_the_heartbeat(make_device, system):
    device, _ = make_device(code="aqi-1", kind="air_quality", heartbeat_seconds=300)
    rule_save(actor=system, device=device, name="Mati", kind="offline", level="waspada")
    with time_machine.travel(T0, tick=False):
        readings_ingest(actor=system, items=readings(device.code, [30.0], variable="pm25"))
    with time_machine.travel(T0 + timedelta(minutes=9), tick=False):
        assert offline_check() == 0
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        assert offline_check() == 1
        assert offline_check() == 0  # already offline: one alarm, not one per run
    device.refresh_from_db()
    assert device.status == "offline"
    alarm = Alarm.objects.get()
    assert alarm.kind == "offline" and alarm.status == "active"
    with time_machine.travel(T0 + timedelta(minutes=12), tick=False):
        readings_ingest(
            actor=system,
            items=readings(device.code, [31.0], start=T0 + timedelta(minutes=12), variable="pm25"),
        )
    device.refresh_from_db()
    alarm.refresh_from_db()
    assert device.status == "online" and alarm.status == "cleared"


def test_acknowledging_twice_is_a_conflict(device, system, bands_rule, actor_of, incidents_opened):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.2]))
    alarm = Alarm.objects.get()
    alarm_acknowledge(actor=actor_of("supervisor"), alarm_id=alarm.pk, note="Tim BPBD dikabari")
    with pytest.raises(Conflict):
        alarm_acknowledge(actor=actor_of("dispatcher"), alarm_id=alarm.pk)
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged"
    assert alarm.acknowledged_by.username == "supervisor"
    assert alarm.notes.get().text == "Tim BPBD dikabari"


def test_rules_json_round_trip(make_device, system):
    device, _ = make_device()
    rule_save(
        actor=system,
        device=device,
        name="Tingkat banjir",
        variable="currentLevel",
        kind="bands",
        **FLOOD_BANDS,
        open_incident=True,
    )
    rule_save(actor=system, device=device, name="Mati", kind="offline")
    exported = rules_export(actor=system, rules=Rule.objects.all())
    Rule.objects.all().delete()
    imported = rules_import(actor=system, data=__import__("json").dumps(exported))
    assert len(imported) == 2
    again = rules_export(actor=system, rules=Rule.objects.all())
    assert again == exported
    broken = {"rules": [{**exported["rules"][0], "device": "tidak-ada"}]}
    with pytest.raises(Invalid):
        rules_import(actor=system, data=broken)


def test_subscribers_get_an_inbox_entry(
    device, system, bands_rule, actor_of, users, incidents_opened
):
    subscription_save(actor=actor_of("supervisor"), min_level="siaga")
    subscription_save(actor=actor_of("dispatcher"), min_level="awas")
    # an officer of another agency never hears of BPBD's devices
    subscription_save(actor=actor_of("officer"), min_level="waspada")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [1.6, 2.1]))
    targets = set(NotificationDelivery.objects.values_list("kind", "target"))
    assert targets == {("inbox", f"user:{users['supervisor'].pk}")}
    assert NotificationDelivery.objects.get().ref == f"sensors.alarm:{Alarm.objects.get().pk}"


def test_old_readings_do_not_bring_an_offline_device_back(make_device, system):
    """A late burst of older readings is history: the device stays offline and its alarm
    stays the one alarm (no clear at ingest, re-raise at the next offline check)."""
    device, _ = make_device(code="aqi-1", kind="air_quality", heartbeat_seconds=300)
    rule_save(actor=system, device=device, name="Mati", kind="offline", level="waspada")
    last = T0 + timedelta(minutes=30)
    with time_machine.travel(last, tick=False):
        readings_ingest(
            actor=system, items=readings(device.code, [30.0], start=last, variable="pm25")
        )
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        assert offline_check() == 1
    alarm = Alarm.objects.get()
    with time_machine.travel(T0 + timedelta(minutes=46), tick=False):
        # older than the last reading: a late burst
        late = readings_ingest(
            actor=system, items=readings(device.code, [20.0] * 5, variable="pm25")
        )
        assert late.stored == 5
        # newer than the last reading, but still older than twice the heartbeat
        stale = T0 + timedelta(minutes=32)
        readings_ingest(
            actor=system, items=readings(device.code, [21.0], start=stale, variable="pm25")
        )
    device.refresh_from_db()
    alarm.refresh_from_db()
    assert device.status == "offline" and alarm.status == "active"
    assert device.last_value_at == stale
    with time_machine.travel(T0 + timedelta(minutes=47), tick=False):
        assert offline_check() == 0
    assert Alarm.objects.count() == 1
    # a current reading: back online, the alarm clears
    with time_machine.travel(T0 + timedelta(minutes=48), tick=False):
        readings_ingest(
            actor=system,
            items=readings(device.code, [22.0], start=T0 + timedelta(minutes=48), variable="pm25"),
        )
    device.refresh_from_db()
    alarm.refresh_from_db()
    assert device.status == "online" and alarm.status == "cleared"


THRESHOLD_RULE = {"name": "Tinggi", "variable": "currentLevel", "kind": "threshold", "threshold": 2}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"kind": "sihir"}, "kind", "Jenis aturan tidak dikenal."),
        ({"name": "  "}, "name", "Wajib diisi."),
        ({"name": "x" * 201}, "name", "Paling banyak 200 karakter."),
        ({"threshold": "tinggi"}, "threshold", "Harus berupa angka."),
        ({"threshold": True}, "threshold", "Harus berupa angka."),
        ({"threshold": float("inf")}, "threshold", "Angka di luar batas."),
        ({"threshold": None}, "threshold", "Ambang wajib diisi."),
        ({"duration_seconds": 1.5}, "duration_seconds", "Harus berupa bilangan bulat detik."),
        ({"window_seconds": 31 * 86400}, "window_seconds", "Antara 0 dan 30 hari (dalam detik)."),
        ({"kind": "rate_of_rise"}, "window_seconds", "Jendela waktu wajib diisi."),
        ({"variable": "pm25"}, "variable", "Variabel tidak ada pada perangkat ini."),
        ({"operator": "sama"}, "operator", "Operator tidak dikenal."),
        ({"level": "genting"}, "level", "Tingkat tidak dikenal."),
        ({"incident_level": "genting"}, "incident_level", "Tingkat tidak dikenal."),
        ({"open_incident": "ya"}, "open_incident", "Harus true atau false."),
        ({"is_active": 1}, "is_active", "Harus true atau false."),
        ({"incident_priority": "P9"}, "incident_priority", "Prioritas: P1, P2, P3 atau P4."),
        ({"incident_type": "x" * 41}, "incident_type", "Kode jenis kejadian tidak valid."),
        ({"incident_agencies": "bpbd"}, "incident_agencies", "Daftar kode instansi."),
        (
            {"incident_agencies": ["bpbd", "nah"]},
            "incident_agencies",
            "Instansi tidak dikenal: nah",
        ),
        ({"kind": "bands", "waspada": 2, "siaga": 1, "awas": 3}, "bands", None),
    ],
)
def test_each_bad_rule_field_is_named_with_its_reason(device, system, change, field, message):
    with pytest.raises(Invalid) as refused:
        rule_save(actor=system, device=device, **{**THRESHOLD_RULE, **change})
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field] == [message or "Isi batas waspada < siaga < awas."]
    assert not Rule.objects.exists()


def test_a_good_rule_is_stored_as_cleaned(device, system):
    rule = rule_save(
        actor=system,
        device=device,
        **{**THRESHOLD_RULE, "name": "  Tinggi  ", "threshold": 2, "incident_agencies": ["bpbd"]},
    )
    assert (rule.name, rule.threshold, rule.incident_agencies) == ("Tinggi", 2.0, ["bpbd"])
    offline = rule_save(actor=system, device=device, name="Mati", kind="offline", variable="x")
    assert offline.variable == ""


@pytest.fixture
def flood_incident(device, system, bands_rule, regions_loaded):
    """A flood wave that opened its 112 incident through the incidents service."""
    from kendali.incidents.models import Incident, IncidentType

    if not IncidentType.objects.filter(code="banjir").exists():
        IncidentType.objects.create(code="banjir", name="Banjir", default_priority="P2")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.6, 2.7, 2.9, 3.0]))
    alarm = Alarm.objects.get()
    assert alarm.status == "active" and alarm.level == "awas"
    return Incident.objects.get(pk=alarm.incident_id)


@pytest.mark.parametrize("how", ["close", "cancel"])
def test_alarm_ends_with_its_incident(flood_incident, actor_of, how, device, system):
    from kendali.core.models import AuditEntry
    from kendali.dispatch.services import incident_close
    from kendali.incidents.services import incident_set_status

    supervisor = actor_of("supervisor")
    if how == "close":
        incident_close(actor=supervisor, incident=flood_incident, override_reason="Air surut")
    else:
        incident_set_status(actor=supervisor, incident=flood_incident, status="dibatalkan")
    alarm = Alarm.objects.get()
    assert alarm.status == "cleared" and alarm.cleared_at is not None
    note = alarm.notes.get(author=supervisor.user)
    assert flood_incident.number in note.text and supervisor.label in note.text
    entry = AuditEntry.objects.get(action="sensors.alarm.clear", object_id=str(alarm.pk))
    assert entry.actor_label == supervisor.label
    assert entry.changes == {"status": ["active", "cleared"]}
    # The water is still high: the episode stays quiet (no second alarm, no second incident).
    with time_machine.travel(T0 + timedelta(hours=1, minutes=10), tick=False):
        readings_ingest(
            actor=system,
            items=readings(device.code, [3.1, 3.2], start=T0 + timedelta(hours=1, minutes=5)),
        )
    assert Alarm.objects.count() == 1


def test_alarm_follows_a_merge_and_ends_with_the_target(flood_incident, actor_of, users):
    from kendali.core.models import AuditEntry
    from kendali.incidents.services import incident_create, incident_merge, incident_set_status

    supervisor = actor_of("supervisor")
    first = incident_create(
        actor=actor_of("calltaker"),
        type_code="banjir",
        lat=flood_incident.lat,
        lon=flood_incident.lon,
        description="Banjir dilaporkan warga",
    )
    incident_merge(actor=supervisor, source=flood_incident, target=first)
    alarm = Alarm.objects.get()
    assert alarm.status == "active"
    assert (alarm.incident_id, alarm.incident_number) == (first.pk, first.number)
    assert AuditEntry.objects.filter(
        action="sensors.alarm.incident", actor_label=supervisor.label
    ).exists()
    incident_set_status(actor=supervisor, incident=first, status="dibatalkan")
    assert Alarm.objects.get().status == "cleared"


def test_alarm_pages_link_the_incident(flood_incident, clients):
    from django.urls import reverse

    alarm = Alarm.objects.get()
    link = reverse("incidents:detail", args=[flood_incident.number])
    for page in (
        reverse("sensors:index"),
        reverse("sensors:alarms"),
        reverse("sensors:alarm", args=[alarm.pk]),
    ):
        html = clients["supervisor"].get(page).content.decode()
        assert f'href="{link}"' in html, page
