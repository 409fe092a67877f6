"""Documents and photos on a register item: uploaded through the service (OPD scope, type
from the content, size limit, audit), stored under the media root, served only through an
authorized view, and part of the backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kendali.assets import services
from kendali.assets.models import ItemAttachment
from kendali.core import backup
from kendali.core.errors import Invalid, NotFound
from kendali.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def test_certificate_upload_list_and_serve(bmd_client, laptop, media):
    client = bmd_client("pengurus_a")
    response = client.post(
        f"/aset/{laptop.pk}/lampiran/",
        {
            "kind": "bast",
            "title": "BAST pengadaan notebook 2025",
            "file": SimpleUploadedFile("bast scan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    attachment = ItemAttachment.objects.get(item=laptop)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    stored = media / attachment.file.name
    # Our own name under the media root, never the uploader's; the backup archives it.
    assert stored.read_bytes() == PDF and "bast scan" not in attachment.file.name
    assert stored in backup._media_files()
    assert AuditEntry.objects.filter(
        action="assets.attachment.add", actor_label="pengurus_a", object_id=str(attachment.pk)
    ).exists()
    page = client.get(f"/aset/{laptop.pk}/").content.decode()
    assert "BAST pengadaan notebook 2025" in page
    url = f"/aset/{laptop.pk}/lampiran/{attachment.pk}/"
    assert url in page
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["X-Content-Type-Options"] == "nosniff" and "attachment" in got["Content-Disposition"]
    # The approver of the same OPD reads it; another OPD's officer gets 404, page and API.
    assert bmd_client("pengguna_a").get(url).status_code == 200
    other = bmd_client("pengurus_b")
    assert other.get(url).status_code == 404
    api = f"/api/v1/assets/items/{laptop.pk}/attachments"
    assert other.get(f"{api}/{attachment.pk}").status_code == 404
    assert other.get(api).status_code == 404
    assert bmd_client("bpkad").get(url).status_code == 200
    # The media root itself is not served.
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_api_upload_photo_and_remove(bmd_client, bmd_actor, laptop):
    client = bmd_client("pengurus_a")
    api = f"/api/v1/assets/items/{laptop.pk}/attachments"
    created = client.post(
        api,
        {"kind": "foto", "file": SimpleUploadedFile("kondisi.png", PNG, content_type="image/png")},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["content_type"] == "image/png" and body["title"] == "Foto kondisi"
    photo = client.get(body["url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert "sandbox" in photo["Content-Security-Policy"]
    assert [a["id"] for a in client.get(api).json()] == [body["id"]]
    # Another OPD cannot attach to this item.
    other = bmd_client("pengurus_b").post(
        api, {"kind": "foto", "file": SimpleUploadedFile("x.png", PNG)}
    )
    assert other.status_code == 404
    removed = client.post(
        f"/aset/{laptop.pk}/lampiran/{body['id']}/hapus/", {"reason": "salah barang"}
    )
    assert removed.status_code == 302
    assert client.get(api).json() == []
    assert client.get(body["url"]).status_code == 404
    assert AuditEntry.objects.filter(
        action="assets.attachment.remove", actor_label="pengurus_a", note="salah barang"
    ).exists()


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("sertifikat.pdf", b"<html><script>alert(1)</script></html>", "PDF, JPEG"),
        ("foto.jpg", b"MZ\x90\x00 not a photo", "PDF, JPEG"),
        ("kosong.pdf", b"", "kosong"),
        ("besar.pdf", b"%PDF-" + b"0" * services.MAX_ATTACHMENT_BYTES, "terlalu besar"),
    ],
)
def test_bad_files_are_refused_and_nothing_written(bmd_actor, laptop, media, name, data, why):
    with pytest.raises(Invalid) as refused:
        services.attachment_add(
            actor=bmd_actor("pengurus_a"),
            item_id=laptop.pk,
            upload=SimpleUploadedFile(name, data, content_type="application/pdf"),
            kind="sertifikat",
        )
    assert why in refused.value.detail
    assert not ItemAttachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_other_opd_and_unknown_kind(bmd_actor, laptop):
    upload = SimpleUploadedFile("bast.pdf", PDF)
    with pytest.raises(NotFound):
        services.attachment_add(
            actor=bmd_actor("pengurus_b"), item_id=laptop.pk, upload=upload, kind="bast"
        )
    with pytest.raises(Invalid):
        services.attachment_add(
            actor=bmd_actor("pengurus_a"), item_id=laptop.pk, upload=upload, kind="rahasia"
        )
    assert not ItemAttachment.objects.exists()
