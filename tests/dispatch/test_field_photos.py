"""Field-report photos open through an authorized view (MEDIA_ROOT is never served)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from kendali.dispatch import services
from kendali.dispatch.models import FieldReportPhoto

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _report_with_photos(fleet, make_incident, actor_of):
    incident = make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    services.field_report_create(
        actor=actor_of("officer"),
        incident=incident,
        outcome="tertangani",
        actions="Api dipadamkan",
        photos=[
            SimpleUploadedFile("rumah.png", PNG, content_type="image/png"),
            # The browser's claim is ignored: the bytes say JPEG.
            SimpleUploadedFile("gudang.html", JPEG, content_type="text/html"),
        ],
    )
    return incident, list(FieldReportPhoto.objects.order_by("pk"))


def test_incident_page_links_photos_that_open(clients, fleet, make_incident, actor_of):
    incident, (png, jpeg) = _report_with_photos(fleet, make_incident, actor_of)
    assert png.image.name != jpeg.image.name
    page = clients["dispatcher"].get(f"/dispatch/kejadian/{incident.pk}/").content.decode()
    assert f'href="/dispatch/laporan/foto/{png.pk}/"' in page
    assert f'href="/dispatch/laporan/foto/{jpeg.pk}/"' in page
    assert "/media/" not in page

    for name in ("dispatcher", "supervisor", "officer"):
        response = clients[name].get(f"/dispatch/laporan/foto/{png.pk}/")
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        assert incident.number in response["Content-Disposition"]
    response = clients["officer"].get(f"/dispatch/laporan/foto/{jpeg.pk}/")
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG


def test_other_agency_and_viewers_cannot_open_photos(clients, fleet, make_incident, actor_of):
    incident, (png, _jpeg) = _report_with_photos(fleet, make_incident, actor_of)
    # PLN's officer: the incident is not PLN's work → not found, nothing leaks.
    assert clients["other_officer"].get(f"/dispatch/laporan/foto/{png.pk}/").status_code == 404
    # The control-room viewer sees the incident panel but not the photos.
    assert clients["viewer"].get(f"/dispatch/laporan/foto/{png.pk}/").status_code == 403
    page = clients["viewer"].get(f"/dispatch/kejadian/{incident.pk}/").content.decode()
    assert "/dispatch/laporan/foto/" not in page
    assert clients["outsider"].get(f"/dispatch/laporan/foto/{png.pk}/").status_code == 403
    assert clients["dispatcher"].get("/dispatch/laporan/foto/999999/").status_code == 404


def test_unexpected_stored_type_is_downloaded_not_rendered(clients, fleet, make_incident, actor_of):
    _incident, (png, _jpeg) = _report_with_photos(fleet, make_incident, actor_of)
    FieldReportPhoto.objects.filter(pk=png.pk).update(content_type="text/html")
    response = clients["dispatcher"].get(f"/dispatch/laporan/foto/{png.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_missing_file_is_not_found(clients, fleet, make_incident, actor_of):
    _incident, (png, _jpeg) = _report_with_photos(fleet, make_incident, actor_of)
    png.image.storage.delete(png.image.name)
    assert clients["dispatcher"].get(f"/dispatch/laporan/foto/{png.pk}/").status_code == 404
