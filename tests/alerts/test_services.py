from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kendali.alerts import cap, selectors, services
from kendali.alerts.choices import LANG_ID, AlertState, MsgType
from kendali.alerts.demo import flood_warning
from kendali.alerts.models import Alert
from kendali.core.errors import Conflict, Invalid, NotAllowed
from kendali.core.models import AuditEntry


def test_operator_drafts_supervisor_approves_and_it_is_published(users, actor_of, regions_loaded):
    alert = services.alert_draft_create(actor=actor_of("operator"), data=flood_warning())
    assert alert.state == AlertState.DRAFT
    assert alert.identifier.startswith("serangkota-peringatan-")
    services.alert_submit(actor=actor_of("operator"), alert=alert)
    published = services.alert_approve(actor=actor_of("supervisor"), alert=alert)
    assert published.state == AlertState.PUBLISHED
    assert published.approver == users["supervisor"]
    assert published.sent is not None
    assert list(selectors.active_alerts()) == [published]
    actions = set(
        AuditEntry.objects.filter(object_id=str(alert.pk), object_type="alerts.alert").values_list(
            "action", flat=True
        )
    )
    assert {"alert.draft_create", "alert.submit", "alert.approve", "alert.publish"} <= actions


def test_author_can_never_approve_own_warning(users, actor_of, regions_loaded):
    # The supervisor drafts; the same supervisor may not approve, another person may.
    alert = services.alert_draft_create(actor=actor_of("supervisor"), data=flood_warning())
    services.alert_submit(actor=actor_of("supervisor"), alert=alert)
    with pytest.raises(NotAllowed, match="empat mata"):
        services.alert_approve(actor=actor_of("supervisor"), alert=alert)
    alert.refresh_from_db()
    assert alert.state == AlertState.SUBMITTED
    services.alert_approve(actor=actor_of("admin"), alert=alert)
    alert.refresh_from_db()
    assert alert.state == AlertState.PUBLISHED


def test_operator_cannot_approve_and_outsider_cannot_draft(users, actor_of, regions_loaded):
    alert = services.alert_draft_create(actor=actor_of("operator"), data=flood_warning())
    services.alert_submit(actor=actor_of("operator"), alert=alert)
    with pytest.raises(NotAllowed):
        services.alert_approve(actor=actor_of("operator"), alert=alert)
    with pytest.raises(NotAllowed):
        services.alert_draft_create(actor=actor_of("outsider"), data=flood_warning())
    with pytest.raises(NotAllowed):
        services.alert_draft_create(actor=actor_of("viewer"), data=flood_warning())


def test_state_machine_refuses_out_of_order_steps(users, actor_of, regions_loaded):
    alert = services.alert_draft_create(actor=actor_of("operator"), data=flood_warning())
    with pytest.raises(Conflict):  # not submitted yet
        services.alert_approve(actor=actor_of("supervisor"), alert=alert)
    services.alert_submit(actor=actor_of("operator"), alert=alert)
    with pytest.raises(Conflict):  # submitted drafts are frozen
        services.alert_draft_update(actor=actor_of("operator"), alert=alert, data=flood_warning())
    with pytest.raises(Conflict):
        services.alert_submit(actor=actor_of("operator"), alert=alert)
    services.alert_reject(actor=actor_of("supervisor"), alert=alert, reason="Perbaiki judul")
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT and alert.review_note == "Perbaiki judul"
    data = flood_warning()
    data.headline = "Judul baru"
    services.alert_draft_update(actor=actor_of("operator"), alert=alert, data=data)
    services.alert_submit(actor=actor_of("operator"), alert=alert)
    services.alert_approve(actor=actor_of("supervisor"), alert=alert)
    with pytest.raises(Conflict):  # approving twice
        services.alert_approve(actor=actor_of("admin"), alert=alert)
    alert.refresh_from_db()
    assert alert.headline == "Judul baru"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"event": ""}, "event", "Jenis kejadian wajib"),
        ({"headline": "  "}, "headline", "Judul"),
        ({"description": ""}, "description", "Uraian"),
        ({"categories": []}, "categories", "kategori"),
        ({"urgency": ""}, "urgency", "urgensi"),
        ({"severity": "Huge"}, "severity", "keparahan"),
        ({"expires": None}, "expires", "wajib"),
        ({"kelurahan": []}, "area", "Wilayah peringatan kosong"),
        ({"kelurahan": ["99.99"]}, "area", "tidak dikenal"),
        ({"circle_lat": -6.1, "circle_lon": 106.1, "circle_radius_km": 0}, "circle", "Jari-jari"),
        ({"headline_en": ""}, "headline_en", "bahasa Inggris"),
        ({"web": "javascript:alert(1)"}, "web", "http"),
    ],
)
def test_bad_input_gives_clear_indonesian_messages(
    users, actor_of, regions_loaded, change, field, words
):
    data = flood_warning()
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(Invalid) as caught:
        services.alert_draft_create(actor=actor_of("operator"), data=data)
    assert words.lower() in caught.value.errors[field].lower()
    assert not Alert.objects.exists()


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x1f", "\x0c", "\ufffe", "\uffff"])
@pytest.mark.parametrize(
    "field",
    [
        "event",
        "headline",
        "description",
        "instruction",
        "sender_name",
        "contact",
        "note",
        "circle_description",
        "event_en",
        "headline_en",
        "description_en",
        "instruction_en",
    ],
)
def test_xml_illegal_characters_are_refused_in_every_text(
    users, actor_of, regions_loaded, field, bad
):
    data = flood_warning()
    if field == "circle_description":
        data.circle_lat, data.circle_lon, data.circle_radius_km = -6.1, 106.16, 1.0
    setattr(data, field, f"Baris satu{bad}baris dua")  # a Word manual line break, e.g.
    with pytest.raises(Invalid) as caught:
        services.alert_draft_create(actor=actor_of("operator"), data=data)
    assert "karakter kontrol" in caught.value.errors[field]
    assert not Alert.objects.exists()


def test_tabs_and_line_breaks_stay_allowed(users, actor_of, regions_loaded):
    data = flood_warning()
    data.description = "Baris satu\r\n\tbaris dua\nbaris tiga"
    alert = services.alert_draft_create(actor=actor_of("operator"), data=data)
    services.alert_submit(actor=actor_of("operator"), alert=alert)
    assert services.alert_approve(actor=actor_of("supervisor"), alert=alert).sent is not None


def test_cap_problems_reports_a_document_that_is_not_xml():
    assert cap.problems(b"<alert") and "bukan XML" in cap.problems(b"<alert")[0]
    document = b"<?xml version='1.0'?><alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>\x0b"
    assert "bukan XML" in cap.problems(document)[0]


def test_a_control_character_already_stored_is_refused_on_approval_not_a_crash(
    users, actor_of, regions_loaded
):
    """A message submitted before the check existed: approval reports the broken document,
    the message stays waiting, and the supervisor can send it back to its author."""
    alert = services.alert_draft_create(actor=actor_of("operator"), data=flood_warning())
    services.alert_submit(actor=actor_of("operator"), alert=alert)
    alert.infos.filter(language=LANG_ID).update(description="Air naik\x0bcepat")
    with pytest.raises(Invalid) as caught:
        services.alert_approve(actor=actor_of("supervisor"), alert=alert)
    assert "bukan XML" in " ".join(caught.value.errors["cap"])
    alert.refresh_from_db()
    assert alert.state == AlertState.SUBMITTED and alert.sent is None
    services.alert_reject(actor=actor_of("supervisor"), alert=alert, reason="Ketik ulang uraian")
    alert.refresh_from_db()
    assert alert.state == AlertState.DRAFT


def test_expiry_before_onset_is_refused(users, actor_of, regions_loaded):
    data = flood_warning()
    data.expires = data.onset - timedelta(minutes=5)
    with pytest.raises(Invalid) as caught:
        services.alert_draft_create(actor=actor_of("operator"), data=data)
    assert "sesudah perkiraan mulai" in caught.value.errors["expires"]


def test_update_and_cancel_reference_the_original(users, actor_of, publish_flood):
    original = publish_flood()
    data = flood_warning()
    data.severity = "Extreme"
    data.headline = "Banjir meluas: ketinggian air 1 meter"
    update = services.alert_update(actor=actor_of("operator"), original=original, data=data)
    assert update.msg_type == MsgType.UPDATE and update.replaces == original
    services.alert_submit(actor=actor_of("operator"), alert=update)
    services.alert_approve(actor=actor_of("supervisor"), alert=update)
    original.refresh_from_db()
    assert original.state == AlertState.SUPERSEDED
    doc = cap.render(update, base_url="http://kendali.test")
    assert f"{original.sender},{original.identifier},{cap.cap_time(original.sent)}".encode() in doc
    assert cap.problems(doc) == []

    with pytest.raises(Conflict):  # the superseded original can no longer be changed
        services.alert_cancel(actor=actor_of("operator"), original=original, reason="x")
    cancel = services.alert_cancel(actor=actor_of("operator"), original=update, reason="Air surut")
    assert cancel.state == AlertState.SUBMITTED
    services.alert_approve(actor=actor_of("supervisor"), alert=cancel)
    update.refresh_from_db()
    assert update.state == AlertState.CANCELLED
    cancel.refresh_from_db()
    doc = cap.render(cancel, base_url="http://kendali.test")
    assert b"<msgType>Cancel</msgType>" in doc and b"Air surut" in doc
    assert original.identifier.encode() in doc and update.identifier.encode() in doc
    assert cap.problems(doc) == []
    assert list(selectors.active_alerts()) == []
    assert list(selectors.feed_alerts()) == [cancel]


def test_followups_racing_for_one_original_only_first_wins(users, actor_of, publish_flood):
    original = publish_flood()
    update = services.alert_update(
        actor=actor_of("operator"), original=original, data=flood_warning()
    )
    cancel = services.alert_cancel(
        actor=actor_of("operator"), original=original, reason="Salah kirim"
    )
    services.alert_submit(actor=actor_of("operator"), alert=update)
    services.alert_approve(actor=actor_of("supervisor"), alert=cancel)
    with pytest.raises(Conflict, match="dibatalkan"):
        services.alert_approve(actor=actor_of("supervisor"), alert=update)


def test_expiry_job_moves_alerts_to_archive(users, actor_of, publish_flood):
    alert = publish_flood(expires_in_hours=2)
    assert services.alerts_expire() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1), tick=False):
        assert selectors.active_alerts().count() == 0  # out of the feed even before the job
        assert services.alerts_expire() == 1
        assert services.alerts_expire() == 0
        alert.refresh_from_db()
        assert alert.state == AlertState.EXPIRED
        assert list(selectors.archive_alerts()) == [alert]
        assert selectors.public_alert(identifier=alert.identifier) == alert


def test_events_are_public(users, actor_of, publish_flood, django_capture_on_commit_callbacks):
    from kendali.core.events import get_store

    with django_capture_on_commit_callbacks(execute=True):
        alert = publish_flood()
    events = [e for e in get_store().read_after(None, limit=1000) if e.topic.startswith("alerts.")]
    published = [e for e in events if e.topic == "alerts.alert.published"]
    assert len(published) == 1 and published[0].data["identifier"] == alert.identifier
    assert published[0].perm == "" and "*" in [str(a) for a in published[0].agency_ids]


def test_active_alerts_for_kelurahan(users, actor_of, publish_flood, regions_loaded):
    alert = publish_flood()
    assert selectors.active_alerts_for_kelurahan("36.73.02.1001") == [alert]
    assert selectors.active_alerts_for_kelurahan("36.73.01.1001") == []
    data = flood_warning(kelurahan=[])
    data.kelurahan = []
    data.kecamatan = ["36.73.01"]
    kec = services.alert_draft_create(actor=actor_of("operator"), data=data)
    services.alert_submit(actor=actor_of("operator"), alert=kec)
    services.alert_approve(actor=actor_of("supervisor"), alert=kec)
    from kendali.regions.models import Region

    in_serang = Region.objects.filter(parent_id="36.73.01", level="kelurahan").first()
    assert selectors.active_alerts_for_kelurahan(in_serang.kode) == [kec]
    # A circle around the centroid of that kelurahan covers it too.
    data = flood_warning(kelurahan=[])
    data.kelurahan = []
    data.circle_lat, data.circle_lon, data.circle_radius_km = (
        in_serang.centroid_lat,
        in_serang.centroid_lon,
        0.5,
    )
    circ = services.alert_draft_create(actor=actor_of("operator"), data=data)
    services.alert_submit(actor=actor_of("operator"), alert=circ)
    services.alert_approve(actor=actor_of("supervisor"), alert=circ)
    assert circ in selectors.active_alerts_for_kelurahan(in_serang.kode)
    assert circ not in selectors.active_alerts_for_kelurahan("36.73.02.1001")


def test_layer_and_tile(users, actor_of, publish_flood):
    assert selectors.alerts_tile(actor=actor_of("viewer"))["value"] == 0
    publish_flood()
    tile = selectors.alerts_tile(actor=actor_of("viewer"))
    assert tile["value"] == 1 and tile["level"] == "bad" and "Berat 1" in tile["detail"]
    layer = selectors.alerts_layer(actor=actor_of("viewer"))
    assert len(layer["features"]) == 3
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in layer["features"])


def test_wall_layer_and_tile_are_registered_for_the_control_room(users, publish_flood):
    from kendali.core.actors import Actor
    from kendali.core.registry import kpi_tiles, map_layers, run_selector

    publish_flood()
    viewer = users["viewer"]
    layer = next(item for item in map_layers(viewer) if item.key == "alerts")
    assert str(layer.label) == "Peringatan publik"
    assert len(run_selector(layer.selector, actor=Actor(user=viewer))["features"]) == 3
    tile = next(item for item in kpi_tiles(viewer) if item.key == "alerts_active")
    assert run_selector(tile.selector, actor=Actor(user=viewer))["value"] == 1


def test_expiry_job_is_registered():
    from kendali.core.jobs import registered

    assert "alerts.expire" in [job.name for job in registered()]


def test_only_the_author_edits_a_draft_so_an_approver_cannot_rewrite_then_approve(
    users, actor_of, regions_loaded
):
    alert = services.alert_draft_create(actor=actor_of("operator"), data=flood_warning())
    changed = flood_warning()
    changed.headline = "Ditulis ulang oleh supervisor"
    with pytest.raises(NotAllowed, match="penyusunnya"):
        services.alert_draft_update(actor=actor_of("supervisor"), alert=alert, data=changed)
    alert.refresh_from_db()
    assert alert.headline != "Ditulis ulang oleh supervisor"


def test_feed_and_lists_do_not_grow_queries_with_alerts(
    users, actor_of, publish_flood, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish_flood()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/alerts/cap.xml").status_code == 200
    for _ in range(4):
        publish_flood()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/alerts/cap.xml").status_code == 200
    with CaptureQueriesContext(connection) as listing:
        assert client.get("/peringatan/").status_code == 200
    publish_flood()
    with django_assert_max_num_queries(len(listing.captured_queries)):
        assert client.get("/peringatan/").status_code == 200
