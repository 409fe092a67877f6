"""Reports: creation and routing, SP4N-LAPOR! handling and deadlines, reopening,
moderation, masking, rate limits, duplicates, escalation, scope and audit."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kendali.core.actors import Actor
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import AuditEntry, NotificationDelivery
from kendali.reports import deadlines, selectors, services
from kendali.reports.choices import ReportStatus, Stage
from kendali.reports.models import Report, ReportContact
from tests.reports.conftest import CIPARE_POINT, SERANG_POINT

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


def audit(action, report):
    return AuditEntry.objects.filter(action=action, object_id=str(report.pk)).first()


@time_machine.travel(datetime(2026, 3, 17, 20, 0, tzinfo=WIB), tick=False)
def test_deadlines_count_working_days_and_indonesian_holidays():
    now = datetime(2026, 3, 18, 20, 0, tzinfo=WIB)  # Wed; Nyepi Thu 19 Mar; Eid 21–22 Mar
    assert deadlines.add_working_days(now, 3).date().isoformat() == "2026-03-24"
    friday = datetime(2026, 8, 14, 22, 0, tzinfo=WIB)  # Independence Day Mon 17 Aug
    assert deadlines.add_working_days(friday, 1).date().isoformat() == "2026-08-18"
    due = deadlines.add_working_days(now, 3)
    assert deadlines.working_days_left(due, now) == 3
    assert deadlines.timer(due, None, datetime(2026, 3, 25, 9, tzinfo=WIB))["state"] == "late"


@time_machine.travel(datetime(2026, 5, 4, 20, 0, tzinfo=ZoneInfo("UTC")), tick=False)
def test_create_routes_locates_masks_and_starts_forward_clock(make_report, agencies):
    # 03:00 WIB on Tue 5 May 2026 is 20:00 UTC on Monday: the WIB date counts.
    report = make_report(
        description="Lampu mati, hubungi saya 0812-3456-7890 atau NIK 3673010101010001",
        reporter_name="Siti",
        phone="081234567890",
    )
    assert report.tracking == "LW-2026-000001"
    assert report.agency == agencies["pln"]
    assert report.kelurahan_id == "36.73.01.1001" and report.kecamatan.nama == "Serang"
    assert "0812" not in report.public_description
    assert "3673010101010001" not in report.public_description
    assert report.forward_due.astimezone(WIB).date().isoformat() == "2026-05-08"
    contact = ReportContact.objects.get(report=report)
    assert contact.phone_e164 == "+6281234567890" and not contact.phone_verified
    assert audit("reports.report.create", report).actor_label == "anonim"


def test_kelurahan_rule_wins_over_category_default(make_report, report_setup):
    line = [[CIPARE_POINT[0], CIPARE_POINT[1]], [CIPARE_POINT[0] + 0.0005, CIPARE_POINT[1]]]
    report = make_report("saluran-tersumbat", description="Got mampet", line=line)
    assert report.agency == report_setup["office"]
    assert report.line == line
    elsewhere = make_report("saluran-tersumbat", description="Got mampet", point=SERANG_POINT)
    assert elsewhere.agency.code == "dpupr"


def test_bad_input_is_refused_in_indonesian(make_report):
    with pytest.raises(Invalid, match="Kategori"):
        make_report("tidak-ada")
    with pytest.raises(Invalid, match="Uraikan"):
        make_report(description="  <b></b> ")
    with pytest.raises(Invalid, match="luar Kota Serang"):
        make_report(point=(-7.5, 110.4))
    with pytest.raises(Invalid, match="titik"):
        make_report(line=[[-6.12, 106.15]])
    with pytest.raises(Invalid, match="lokasi"):
        services.report_create(actor=Actor(), category_code="lampu-jalan", description="x")
    with pytest.raises(Invalid, match="kedalaman"):
        make_report("saluran-tersumbat", attributes={"kedalaman": "sedang"})
    assert not Report.objects.exists()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), (120, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif[0x8825] = {2: (6, 7, 30), 4: (106, 9, 0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_are_reencoded_without_exif_and_checked(make_report):
    upload = SimpleUploadedFile("a.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    report = make_report(photos=[upload])
    photo = report.photos.get()
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert max(stored.size) == 1600
        assert not stored.getexif()
    with pytest.raises(Invalid, match="foto"):
        make_report(photos=[SimpleUploadedFile("x.jpg", b"<?php evil(); ?>")])


def test_rate_limit_per_ip_and_per_phone(make_report, settings):
    settings.KENDALI_REPORTS_PER_IP_HOUR = 2
    settings.KENDALI_REPORTS_PER_PHONE_HOUR = 1
    make_report(submitter="10.1.1.1", phone="081234567890")
    with pytest.raises(Conflict, match="nomor"):
        make_report(submitter="10.1.1.2", phone="081234567890")
    make_report(submitter="10.1.1.1")
    with pytest.raises(Conflict, match="alamat"):
        make_report(submitter="10.1.1.1")


def sms_outbox():
    return list(NotificationDelivery.objects.filter(kind="sms").order_by("id"))


def test_full_lapor_flow_with_reporter_sms_and_reopen(make_report, actor_of, users):
    with time_machine.travel(datetime(2026, 6, 2, 9, 0, tzinfo=WIB), tick=False):
        report = make_report(
            "kebakaran", description="Asap dari gudang", phone="081298765432", phone_verified=True
        )
        officer = actor_of("officer")  # Damkar
        services.report_verify(actor=officer, report=report, note="Kami cek")
        report.refresh_from_db()
        assert report.stage == Stage.FORWARDED
        # 2 Jun + 5 working days, with nothing in between: Tue 9 Jun.
        assert report.followup_due.astimezone(WIB).date().isoformat() == "2026-06-09"
        assert audit("reports.report.verify", report).actor == users["officer"]
    with time_machine.travel(datetime(2026, 6, 4, 10, 0, tzinfo=WIB), tick=False):
        services.report_followup(
            actor=officer, report=report, status="fixed", note="Sudah dibersihkan"
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.FIXED and report.stage == Stage.FOLLOWED_UP
        assert [t["state"] for t in selectors.timers(report)][:2] == ["done", "done"]
        sent = sms_outbox()
        assert sent and sent[-1].target == "+6281298765432"
        assert "Selesai diperbaiki" in sent[-1].body
        with pytest.raises(NotAllowed):
            services.report_reopen(actor=Actor(), report=report, key="salah", note="Belum")
        services.report_reopen(actor=Actor(), report=report, key=report.token, note="Masih bau")
        report.refresh_from_db()
        assert report.status == ReportStatus.REOPENED and report.reopened_count == 1
        services.report_followup(actor=officer, report=report, status="fixed", note="Tuntas")
    with time_machine.travel(datetime(2026, 6, 30, 10, 0, tzinfo=WIB), tick=False):
        assert services.reports_finish_due() == 1
        report.refresh_from_db()
        assert report.stage == Stage.FINISHED and report.closed_at is not None
        with pytest.raises(Conflict):
            services.report_reopen(actor=Actor(), report=report, key=report.token, note="x")


def test_other_opd_gets_404_and_refer_moves_scope(make_report, actor_of, agencies):
    report = make_report("kebakaran", description="Asap")
    with pytest.raises(NotFound):
        services.report_verify(actor=actor_of("other_officer"), report=report)
    with pytest.raises(NotFound):
        selectors.report_for_staff(actor=actor_of("other_officer"), pk=report.pk)
    services.report_refer(
        actor=actor_of("officer"), report=report, agency=agencies["pln"], note="Kabel listrik"
    )
    report.refresh_from_db()
    assert report.agency == agencies["pln"] and report.stage == Stage.NEW
    assert NotificationDelivery.objects.filter(
        kind="inbox", target=f"agency:{agencies['pln'].pk}", ref=f"reports.report:{report.pk}"
    ).exists()
    assert selectors.report_for_staff(actor=actor_of("other_officer"), pk=report.pk) == report
    with pytest.raises(NotFound):
        selectors.report_for_staff(actor=actor_of("officer"), pk=report.pk)
    assert audit("reports.report.refer", report).actor.username == "officer"


def test_hold_archive_hide_and_asset_link(make_report, actor_of):
    report = make_report("kebakaran", description="Spam spam")
    officer = actor_of("officer")
    services.report_hold(actor=officer, report=report, reason="Lokasi kurang jelas")
    services.report_link_asset(actor=officer, report=report, asset_code="1.3.2.10.01.02.001")
    with pytest.raises(NotAllowed):
        services.report_hide(actor=officer, report=report, reason="spam")
    services.report_hide(actor=actor_of("admin"), report=report, reason="spam")
    report.refresh_from_db()
    assert report.hidden and report.asset_code == "1.3.2.10.01.02.001"
    assert not selectors.public_queryset().filter(pk=report.pk).exists()
    with pytest.raises(NotFound):
        selectors.public_report(report.tracking)
    services.report_archive(actor=officer, report=report, note="Tidak jelas")
    report.refresh_from_db()
    assert report.stage == Stage.ARCHIVED and report.status == ReportStatus.CLOSED_NOT_FIXED
    assert audit("reports.report.hide", report).actor.username == "admin"


def test_possible_duplicates_same_category_nearby_open(make_report):
    first = make_report()
    near = (SERANG_POINT[0] + 0.0003, SERANG_POINT[1])  # ~33 m
    found = selectors.possible_duplicates(category_code="lampu-jalan", lat=near[0], lon=near[1])
    assert [d["tracking"] for d in found] == [first.tracking]
    assert not selectors.possible_duplicates(category_code="kebakaran", lat=near[0], lon=near[1])
    far = selectors.possible_duplicates(
        category_code="lampu-jalan", lat=SERANG_POINT[0] + 0.01, lon=SERANG_POINT[1]
    )
    assert not far


def test_contact_read_is_audited_and_needs_permission(make_report, actor_of):
    report = make_report(
        "kebakaran", description="Asap", reporter_name="Budi", phone="081234567890"
    )
    contact = selectors.reporter_contact(actor=actor_of("officer"), report=report)
    assert contact.name == "Budi"
    entry = AuditEntry.objects.get(action="read:reporter_contact", object_id=str(report.pk))
    assert entry.actor.username == "officer" and entry.kind == "read"
    with pytest.raises(NotFound):
        selectors.reporter_contact(actor=actor_of("other_officer"), report=report)
    with pytest.raises(NotAllowed):
        selectors.reporter_contact(actor=actor_of("viewer"), report=report)


def test_escalate_creates_112_incident_on_behalf(make_report, actor_of):
    from kendali.incidents.taxonomy import ensure_taxonomy

    ensure_taxonomy()
    report = make_report("kebakaran", description="Api di gudang")
    services.report_escalate(actor=actor_of("officer"), report=report)
    report.refresh_from_db()
    assert report.incident_number.startswith("112-")
    entry = AuditEntry.objects.filter(on_behalf="reports.escalate").first()
    assert entry is not None and entry.actor.username == "officer"
    with pytest.raises(Conflict):
        services.report_escalate(actor=actor_of("officer"), report=report)


def test_phone_otp(report_setup):
    services.phone_challenge_start(actor=Actor(), phone="0812 3456 7890", submitter="1.2.3.4")
    code = sms_outbox()[-1].body.split(": ")[1][:6]
    with pytest.raises(Invalid, match="salah"):
        services.phone_challenge_verify(
            actor=Actor(), phone="081234567890", code="000000" if code != "000000" else "111111"
        )
    assert (
        services.phone_challenge_verify(actor=Actor(), phone="081234567890", code=code)
        == "+6281234567890"
    )


@time_machine.travel(datetime(2026, 12, 31, 20, 0, tzinfo=ZoneInfo("UTC")), tick=False)
def test_tracking_number_follows_the_wib_year(make_report):
    # 20:00 UTC on 31 December is 03:00 WIB on 1 January.
    assert make_report().tracking == "LW-2027-000001"
    report = make_report()
    # Fri 1 Jan (holiday) → Mon 4, Tue 5 is Isra Mi'raj 2027 (holiday), Wed 6, Thu 7.
    assert report.forward_due.astimezone(WIB).date().isoformat() == "2027-01-07"
