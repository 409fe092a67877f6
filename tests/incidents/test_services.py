from __future__ import annotations

import io
import math

import pytest
import time_machine

from kendali.core.actors import Actor
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import get_store
from kendali.core.models import Agency, AuditEntry
from kendali.incidents import selectors, services
from kendali.incidents.choices import IncidentStatus, LocationFlag
from kendali.incidents.models import Incident, IncidentType

pytestmark = pytest.mark.django_db(transaction=False)


def test_taxonomy_is_seeded_with_serang_categories(taxonomy):
    names = set(IncidentType.objects.values_list("name", flat=True))
    for expected in [
        "Kebakaran",
        "Kecelakaan lalu lintas",
        "Medis / ambulans",
        "Mobil jenazah",
        "Banjir",
        "Pohon tumbang",
        "Gangguan listrik",
        "Gangguan air / PDAM",
        "Gizi buruk",
        "Kriminalitas",
        "Hewan berbahaya / sarang tawon / ular",
        "Orang hilang",
        "Kekerasan / KDRT",
        "Bencana lain",
        "Gangguan ketertiban",
        "Lainnya",
    ]:
        assert expected in names
    shortcuts = list(IncidentType.objects.values_list("shortcut", flat=True))
    assert len(shortcuts) == len(set(shortcuts)) and all(shortcuts)
    fire = IncidentType.objects.get(code="kebakaran")
    assert fire.default_priority == "P1"
    assert {a.code for a in fire.default_agencies.all()} == {"damkar"}  # dinkes not in fixtures


def test_create_numbers_defaults_location_and_event(
    make_incident, users, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel("2026-03-01 10:00:00+07:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = make_incident(actor=Actor(user=users["calltaker"]), reporter_phone="0812")
        second = make_incident(type_code="banjir", lat=-6.07, lon=106.17)
    assert first.number == "112-2026-000001"
    assert second.number == "112-2026-000002"
    assert first.priority == "P1" and second.priority == "P2"
    assert first.kelurahan.nama == "Cipare" and first.kecamatan.nama == "Serang"
    assert first.location_flag == ""
    assert first.created_by == users["calltaker"]
    assert [a.code for a in first.agencies.all()] == ["damkar"]
    assert set(second.agencies.values_list("code", flat=True)) == {"bpbd", "dpupr"}
    assert first.timeline.get().kind == "created"
    events = [e for e in get_store().read_after(None) if e.topic == "incidents.incident.created"]
    assert [e.data["number"] for e in events] == ["112-2026-000001", "112-2026-000002"]
    assert "0812" not in str(events[0].data)
    assert [int(a) for a in events[0].agency_ids] == [first.agencies.get().pk]


def test_number_restarts_each_year(make_incident):
    with time_machine.travel("2026-12-31 23:59:00+07:00", tick=False):
        make_incident()
        last = make_incident()
    with time_machine.travel("2027-01-01 00:01:00+07:00", tick=False):
        new_year = make_incident()
    assert last.number == "112-2026-000002"
    assert new_year.number == "112-2027-000001"


def test_without_coordinates_is_flagged(make_incident):
    incident = make_incident(lat=None, lon=None, address="dekat masjid agung")
    assert incident.location_flag == LocationFlag.TANPA_KOORDINAT
    assert incident.kelurahan is None and incident.lat is None


def test_outside_city_is_accepted_and_flagged(make_incident):
    incident = make_incident(lat=-6.2, lon=106.3)
    assert incident.location_flag == LocationFlag.DI_LUAR_KOTA
    assert incident.lat == -6.2 and incident.kelurahan is None
    assert "di luar Kota Serang" in incident.timeline.get().summary


@pytest.mark.parametrize(
    ("lat", "lon", "words"),
    [
        (math.nan, 106.15, "terhingga"),
        (-6.1, math.inf, "terhingga"),
        (91, 106.15, "lintang"),
        (-6.1, 181, "bujur"),
        (-6.1, None, "keduanya"),
        ("abc", 106.1, "angka"),
    ],
)
def test_impossible_coordinates_are_rejected(make_incident, lat, lon, words):
    with pytest.raises(Invalid) as raised:
        make_incident(lat=lat, lon=lon)
    assert words in raised.value.detail.lower()
    assert not Incident.objects.exists()


def test_create_needs_permission(make_incident, users):
    with pytest.raises(NotAllowed):
        make_incident(actor=Actor(user=users["viewer"]))
    with pytest.raises(NotAllowed):
        make_incident(actor=Actor(user=users["officer"]))


def test_unknown_type_and_agency_rejected(make_incident):
    with pytest.raises(Invalid):
        make_incident(type_code="tidak-ada")
    with pytest.raises(Invalid):
        make_incident(agency_codes=["tidak-ada"])


def test_status_changes_are_on_the_timeline(make_incident, users):
    actor = Actor(user=users["dispatcher"])
    incident = make_incident()
    services.incident_set_status(actor=actor, incident=incident, status="diproses")
    with pytest.raises(Invalid, match="laporan lapangan"):
        services.incident_set_status(actor=actor, incident=incident, status="selesai")
    with pytest.raises(NotAllowed):  # only dispatch, having verified the report, may claim it
        services.incident_set_status(
            actor=actor, incident=incident, status="selesai", closure="field_report"
        )
    closed = services.incident_set_status(
        actor=actor.acting_for(services.CLOSE_ON_FIELD_REPORT),
        incident=incident,
        status="selesai",
        note="api padam",
        closure="field_report",
    )
    assert closed.closed_at is not None
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds == ["created", "status", "status"]
    assert "api padam" in incident.timeline.last().summary
    reopened = services.incident_set_status(actor=actor, incident=incident, status="diproses")
    assert reopened.closed_at is None
    with pytest.raises(Invalid):
        services.incident_set_status(actor=actor, incident=incident, status="digabung")


def test_update_records_changes_without_personal_data_in_audit(make_incident, users):
    actor = Actor(user=users["supervisor"])
    incident = make_incident(reporter_phone="081200001111")
    updated = services.incident_update(
        actor=actor,
        incident=incident,
        priority="P2",
        lat=-6.07,
        lon=106.17,
        reporter_phone="081299998888",
        agency_codes=["damkar", "bpbd"],
    )
    assert updated.priority == "P2" and updated.kecamatan.nama == "Kasemen"
    assert set(updated.agencies.values_list("code", flat=True)) == {"damkar", "bpbd"}
    entry = incident.timeline.last()
    assert entry.kind == "updated" and "prioritas" in entry.summary
    audit = AuditEntry.objects.filter(action="incident.update").get()
    assert "081299998888" not in str(audit.changes)
    assert "081299998888" not in str(entry.data)
    with pytest.raises(Invalid):
        services.incident_update(actor=actor, incident=incident, status="selesai")


def test_merge_keeps_both_timelines(make_incident, users):
    actor = Actor(user=users["supervisor"])
    first = make_incident()
    duplicate = make_incident(type_code="kebakaran")
    services.incident_timeline_add(
        actor=actor, incident=duplicate, kind="call", summary="Panggilan kedua dari tetangga"
    )
    target = services.incident_merge(actor=actor, source=duplicate, target=first)
    duplicate.refresh_from_db()
    assert duplicate.status == IncidentStatus.DIGABUNG and duplicate.merged_into == first
    assert target.status == IncidentStatus.BARU
    lines = list(selectors.incident_timeline(actor=actor, incident=first))
    summaries = [line.summary for line in lines]
    assert "Panggilan kedua dari tetangga" in summaries
    assert any(duplicate.number in s for s in summaries)
    assert duplicate.timeline.filter(kind="call").exists()
    with pytest.raises(Conflict):
        services.incident_merge(actor=actor, source=duplicate, target=first)
    with pytest.raises(Conflict):
        services.incident_merge(actor=actor, source=first, target=duplicate)
    with pytest.raises(NotAllowed):
        services.incident_merge(
            actor=Actor(user=users["calltaker"]), source=make_incident(), target=first
        )


def test_officer_cannot_touch_other_agency_incident(make_incident, users):
    incident = make_incident(type_code="gangguan-listrik")  # PLN
    with pytest.raises(NotFound):
        services.incident_timeline_add(
            actor=Actor(user=users["officer"]), incident=incident, kind="note", summary="x"
        )
    own = make_incident(type_code="kebakaran")  # Damkar
    services.incident_timeline_add(
        actor=Actor(user=users["officer"]), incident=own, kind="note", summary="Regu tiba"
    )
    assert own.timeline.last().summary == "Regu tiba"
    with pytest.raises(NotAllowed):
        services.incident_timeline_add(
            actor=Actor(user=users["viewer"]), incident=own, kind="note", summary="x"
        )
    with pytest.raises(NotAllowed):
        services.incident_set_status(
            actor=Actor(user=users["officer"]), incident=own, status="selesai"
        )


def test_retention_blanks_old_reporter_contact(make_incident, settings):
    with time_machine.travel("2025-01-01 10:00:00+07:00", tick=False):
        old = make_incident(reporter_name="Budi", reporter_phone="0811")
    with time_machine.travel("2026-01-10 10:00:00+07:00", tick=False):
        recent = make_incident(reporter_name="Sari", reporter_phone="0822")
        settings.PERSONAL_DATA_DAYS = 365
        services.retention_job()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.reporter_name == "" and old.reporter_phone == ""
    assert old.reporter_blanked_at is not None
    assert recent.reporter_phone == "0822"
    assert "Kontak pelapor dihapus" in old.timeline.last().summary


def test_retention_job_is_registered_and_configurable(make_incident, monkeypatch, settings):
    from kendali.core import jobs

    job = next(j for j in jobs.registered() if j.name == "incidents.reporter_retention")
    assert job.function == "kendali.incidents.services.retention_job"
    with time_machine.travel("2026-01-01 10:00:00+07:00", tick=False):
        incident = make_incident(reporter_phone="0811")
    with time_machine.travel("2026-01-12 10:00:00+07:00", tick=False):
        monkeypatch.setenv("KENDALI_PERSONAL_DATA_DAYS", "30")
        jobs.run_once(job)
        incident.refresh_from_db()
        assert incident.reporter_phone == "0811"  # 11 days < 30
        monkeypatch.setenv("KENDALI_PERSONAL_DATA_DAYS", "10")
        services.retention_job()
        incident.refresh_from_db()
        assert incident.reporter_phone == ""


def test_link_agencies_command_links_defaults_created_later(db):
    from django.core.management import call_command

    from kendali.core.choices import AgencyKind

    fire = IncidentType.objects.get(code="kebakaran")
    assert not fire.default_agencies.exists()  # no agencies existed at migration time
    Agency.objects.create(
        code="damkar", name="Damkar Kota Serang", short_name="Damkar", kind=AgencyKind.OPD
    )
    call_command("incidents_link_agencies", stdout=io.StringIO())
    assert list(fire.default_agencies.values_list("code", flat=True)) == ["damkar"]
