"""Pages: the public form (no account), tracking and reopening, the public map and list
without personal data, and the OPD inbox with scope, actions and audited contact reads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from kendali.core.models import AuditEntry
from kendali.reports import services
from kendali.reports.models import Report
from tests.reports.conftest import SERANG_POINT

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def test_citizen_reports_tracks_and_reopens_without_account(report_setup, actor_of):
    browser = Client()
    page = browser.get("/lapor/")
    assert page.status_code == 200 and "Laporkan masalah" in page.content.decode()
    # The optional SMS verification is folded: the report itself comes first.
    assert '<details id="telepon" class="box sms">' in page.content.decode()
    response = browser.post(
        "/lapor/",
        {
            "kategori": "lampu-jalan",
            "uraian": "Lampu mati di gang, NIK saya 3673010101010001",
            "lat": str(SERANG_POINT[0]),
            "lon": str(SERANG_POINT[1]),
            "foto": SimpleUploadedFile("x.png", _png(), content_type="image/png"),
        },
    )
    report = Report.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/lapor/{report.tracking}/terkirim/"
    )
    sent = browser.get(response["Location"]).content.decode()
    assert report.tracking in sent and report.token in sent
    detail = browser.get(f"/lapor/{report.tracking}/").content.decode()
    assert "Terbuka" in detail and "3673010101010001" not in detail
    photo = browser.get(f"/lapor/foto/{report.photos.get().pk}/")
    assert photo["Content-Type"] == "image/jpeg" and photo["X-Content-Type-Options"] == "nosniff"

    services.report_followup(
        actor=actor_of("other_officer"), report=report, status="fixed", note="Lampu diganti"
    )
    assert "Selesai diperbaiki" in browser.get(f"/lapor/{report.tracking}/").content.decode()
    # Another browser without the reporter's key cannot reopen.
    Client().post(f"/lapor/{report.tracking}/buka-kembali/", {"alasan": "Belum"})
    report.refresh_from_db()
    assert report.status == "fixed"
    browser.post(f"/lapor/{report.tracking}/buka-kembali/", {"alasan": "Masih mati"})
    report.refresh_from_db()
    assert report.status == "reopened"
    assert (
        browser.get(f"/lapor/lacak/?nomor={report.tracking.lower()}")["Location"]
        == f"/lapor/{report.tracking}/"
    )


def test_form_errors_are_shown_and_nothing_saved(report_setup):
    response = Client().post("/lapor/", {"kategori": "lampu-jalan", "uraian": ""})
    assert response.status_code == 200 and "Uraikan masalahnya" in response.content.decode()
    assert not Report.objects.exists()


def test_public_map_and_list_have_no_personal_data(make_report):
    report = make_report(
        reporter_name="Rahasia Namanya", phone="081234567890", description="Hubungi 0812 3456 7890"
    )
    make_report("kebakaran", description="Sembunyikan ini")
    Report.objects.filter(description="Sembunyikan ini").update(hidden=True)
    page = Client().get("/lapor/peta/?status=terbuka").content.decode()
    assert report.tracking in page and "Rahasia" not in page and "0812" not in page
    assert "Sembunyikan" not in page
    data = Client().get("/lapor/peta/data.json?kategori=lampu-jalan").json()
    assert data["shown"] == 1 and data["points"][0][4] == report.tracking
    dups = Client().get(
        f"/lapor/mirip/?kategori=lampu-jalan&lat={SERANG_POINT[0]}&lon={SERANG_POINT[1]}"
    )
    assert report.tracking in dups.content.decode()


def test_inbox_scope_actions_and_audited_contact(make_report, clients, users):
    report = make_report(
        "kebakaran", description="Asap", reporter_name="Budi", phone="081234567890"
    )
    inbox = clients["officer"].get("/lapor/kotak/").content.decode()
    assert report.tracking in inbox and "sisa" in inbox
    assert report.tracking not in clients["other_officer"].get("/lapor/kotak/").content.decode()
    assert clients["other_officer"].get(f"/lapor/kotak/{report.pk}/").status_code == 404
    assert (
        clients["other_officer"]
        .post(f"/lapor/kotak/{report.pk}/aksi/", {"aksi": "verify"})
        .status_code
        == 404
    )
    assert clients["outsider"].get("/lapor/kotak/").status_code == 403
    detail = clients["officer"].get(f"/lapor/kotak/{report.pk}/").content.decode()
    assert "Budi" not in detail
    contact = clients["officer"].get(f"/lapor/kotak/{report.pk}/kontak/").content.decode()
    assert "Budi" in contact and "+6281234567890" in contact
    assert (
        AuditEntry.objects.filter(action="read:reporter_contact", actor=users["officer"]).count()
        == 1
    )
    assert clients["viewer"].get(f"/lapor/kotak/{report.pk}/kontak/").status_code == 403

    clients["officer"].post(f"/lapor/kotak/{report.pk}/aksi/", {"aksi": "verify", "catatan": "ok"})
    clients["officer"].post(
        f"/lapor/kotak/{report.pk}/aksi/",
        {"aksi": "followup", "status": "fixed", "catatan": "Padam"},
    )
    report.refresh_from_db()
    assert report.stage == "followed_up" and report.status == "fixed"
    assert AuditEntry.objects.filter(
        action="reports.report.followup", actor=users["officer"]
    ).exists()
    response = clients["officer"].post(
        f"/lapor/kotak/{report.pk}/aksi/",
        {"aksi": "refer", "instansi": str(users["other_officer"].agency_id)},
    )
    # Closed reports are not referred; the error is a message on the page.
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.agency.code == "damkar"


def test_phone_verified_by_otp_then_every_status_change_by_sms(report_setup, actor_of):
    from kendali.core.models import NotificationDelivery
    from kendali.reports.models import ReportContact

    browser = Client()
    browser.post("/lapor/otp/kirim/", {"telepon": "0812-3456-7890"})
    otp = NotificationDelivery.objects.get(kind="sms")
    assert otp.target == "+6281234567890"
    code = otp.body.split(": ")[1][:6]
    browser.post("/lapor/otp/periksa/", {"kode": code})
    assert "+6281234567890" in browser.get("/lapor/").content.decode()
    browser.post(
        "/lapor/",
        {
            "kategori": "lampu-jalan",
            "uraian": "Lampu mati",
            "lat": str(SERANG_POINT[0]),
            "lon": str(SERANG_POINT[1]),
        },
    )
    report = Report.objects.get()
    assert ReportContact.objects.get(report=report).phone_verified
    services.report_followup(
        actor=actor_of("other_officer"), report=report, status="in_progress", note="Dicek"
    )
    notices = NotificationDelivery.objects.filter(kind="sms", target="+6281234567890").order_by(
        "id"
    )
    assert notices.count() == 2 and "Dalam proses" in notices.last().body


def test_wrong_otp_is_refused(report_setup):
    browser = Client()
    browser.post("/lapor/otp/kirim/", {"telepon": "081234567890"})
    response = browser.post("/lapor/otp/periksa/", {"kode": "abcdef"}, follow=True)
    assert "Kode salah" in response.content.decode()
    page = browser.get("/lapor/").content.decode()
    # Not verified, and the folded SMS box stays open on the code field for another try.
    assert "Nomor terverifikasi" not in page
    assert '<details id="telepon" class="box sms" open>' in page and 'id="f-kode"' in page


def test_lists_do_not_grow_queries_with_reports(
    make_report, clients, django_assert_max_num_queries
):
    for _ in range(12):
        make_report("kebakaran", description="Asap")
    officer = clients["officer"]  # logged in before counting (clients may log in lazily)
    with django_assert_max_num_queries(14):
        assert officer.get("/lapor/kotak/").status_code == 200
    with django_assert_max_num_queries(8):
        assert Client().get("/lapor/peta/").status_code == 200
    with django_assert_max_num_queries(4):
        assert Client().get("/lapor/peta/data.json").status_code == 200
