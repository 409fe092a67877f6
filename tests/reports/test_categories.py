"""The category and routing editor: an administrator creates and changes categories and
kelurahan rules through the services (validated, audited), and reports follow at once."""

from __future__ import annotations

import pytest

from kendali.core.actors import Actor
from kendali.core.errors import Conflict, Invalid, NotAllowed
from kendali.core.models import AuditEntry
from kendali.regions.locate import locate
from kendali.reports import services
from kendali.reports.defaults import load_defaults
from kendali.reports.models import Category, RoutingRule
from tests.reports.conftest import SERANG_POINT

pytestmark = pytest.mark.django_db

SERANG = locate(*SERANG_POINT).kelurahan_kode


def _fields(**overrides) -> dict:
    fields = {
        "code": "pohon-tumbang",
        "name": "Pohon tumbang",
        "group": "Lingkungan",
        "description": "Pohon tumbang atau rawan tumbang",
        "keywords": "pohon, dahan",
        "agency": "",
        "geometry": "point",
        "incident_type_code": "",
        "order": "50",
        "is_active": "on",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def _audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


def test_admin_creates_and_changes_a_category(report_setup, clients, users, agencies):
    admin = clients["admin"]
    listing = admin.get("/lapor/kategori/").content.decode()
    assert "Saluran tersumbat" in listing and "Tambah kategori" in listing

    response = admin.post(
        "/lapor/kategori/baru/", _fields(agency=str(agencies["dpupr"].pk), is_emergency=None)
    )
    category = Category.objects.get(code="pohon-tumbang")
    assert response.status_code == 302 and response["Location"] == f"/lapor/kategori/{category.pk}/"
    assert category.agency == agencies["dpupr"] and category.group == "Lingkungan"
    created = _audit("reports.category.create")
    assert created.actor == users["admin"] and created.changes["agency"] == [
        None,
        agencies["dpupr"].pk,
    ]
    # Open311 clients and the public form see it at once (the routing cache was dropped).
    codes = [s["service_code"] for s in admin.get("/open311/v2/services.json").json()]
    assert "pohon-tumbang" in codes
    report = services.report_create(
        actor=Actor(ip="10.0.0.1"),
        category_code="pohon-tumbang",
        description="Pohon miring ke jalan",
        lat=SERANG_POINT[0],
        lon=SERANG_POINT[1],
    )
    assert report.agency == agencies["dpupr"]

    page = admin.get(f"/lapor/kategori/{category.pk}/").content.decode()
    assert 'value="pohon-tumbang"' in page and "disabled" in page
    response = admin.post(
        f"/lapor/kategori/{category.pk}/",
        _fields(
            code="kode-lain",  # the Open311 service_code never changes
            name="Pohon tumbang/rawan",
            agency=str(agencies["bpbd"].pk),
            geometry="line",
            is_emergency="on",
            incident_type_code="banjir",
            is_active=None,
        ),
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name, category.geometry) == (
        "pohon-tumbang",
        "Pohon tumbang/rawan",
        "line",
    )
    assert category.is_emergency and category.incident_type_code == "banjir"
    assert not category.is_active and not Category.objects.filter(code="kode-lain").exists()
    updated = _audit("reports.category.update")
    assert updated.actor == users["admin"]
    assert updated.changes["agency"] == [agencies["dpupr"].pk, agencies["bpbd"].pk]
    assert updated.changes["is_active"] == [True, False]
    # Inactive: gone from the public form and Open311, and no new report can use it.
    assert "pohon-tumbang" not in admin.get("/lapor/").content.decode()
    codes = [s["service_code"] for s in admin.get("/open311/v2/services.json").json()]
    assert "pohon-tumbang" not in codes
    with pytest.raises(Invalid):
        services.report_create(
            actor=Actor(ip="10.0.0.1"),
            category_code="pohon-tumbang",
            description="Pohon lagi",
            address="Jl. Veteran",
        )


def test_editing_keeps_open311_attributes(report_setup, clients, agencies):
    drain = report_setup["drain"]
    assert drain.attributes
    clients["admin"].post(
        f"/lapor/kategori/{drain.pk}/",
        _fields(
            code=drain.code,
            name="Saluran/got tersumbat",
            agency=str(agencies["dpupr"].pk),
            geometry="line",
        ),
    )
    drain.refresh_from_db()
    assert drain.name == "Saluran/got tersumbat" and drain.attributes[0]["code"] == "kedalaman"


def test_editor_refuses_bad_input_beside_the_field(report_setup, clients):
    admin = clients["admin"]
    before = AuditEntry.objects.count()
    taken = admin.post("/lapor/kategori/baru/", _fields(code="lampu-jalan")).content.decode()
    assert "sudah dipakai" in taken
    assert Category.objects.get(code="lampu-jalan").name == "Lampu jalan mati"
    emergency = admin.post("/lapor/kategori/baru/", _fields(is_emergency="on")).content.decode()
    assert "perlu jenis kejadian 112" in emergency and 'aria-invalid="true"' in emergency
    bad_code = admin.post("/lapor/kategori/baru/", _fields(code="Kode Salah")).content.decode()
    assert "error" in bad_code and not Category.objects.filter(name="Pohon tumbang").exists()
    assert AuditEntry.objects.count() == before


def test_services_validate_and_authorize(report_setup, actor_of, agencies):
    admin = actor_of("admin")
    with pytest.raises(NotAllowed):
        services.category_save(actor=actor_of("officer"), code="baru", name="Baru", agency=None)
    with pytest.raises(Conflict):
        services.category_save(
            actor=admin, code="kebakaran", name="Lain", agency=None, creating=True
        )
    with pytest.raises(Invalid, match="Jenis kejadian"):
        services.category_save(
            actor=admin, code="baru", name="Baru", agency=None, incident_type_code="tidak-ada"
        )
    agencies["bpbd"].is_active = False
    agencies["bpbd"].save()
    with pytest.raises(Invalid, match="tidak aktif"):
        services.category_save(actor=admin, code="baru", name="Baru", agency=agencies["bpbd"])
    with pytest.raises(Invalid, match="Kelurahan"):
        services.routing_rule_set(
            actor=admin,
            category=report_setup["light"],
            kelurahan_kode="99.99.99.9999",
            agency=agencies["pln"],
        )
    with pytest.raises(NotAllowed):
        services.routing_rule_set(
            actor=actor_of("officer"),
            category=report_setup["light"],
            kelurahan_kode=SERANG,
            agency=agencies["damkar"],
        )
    assert not Category.objects.filter(code="baru").exists()


def test_kelurahan_rule_set_changed_and_deleted(report_setup, clients, users, make_report):
    admin = clients["admin"]
    light, office = report_setup["light"], report_setup["office"]
    page = admin.get(f"/lapor/kategori/{light.pk}/").content.decode()
    assert "Belum ada aturan kelurahan" in page and "Serang — Serang" in page

    response = admin.post(
        f"/lapor/kategori/{light.pk}/rute/", {"kelurahan": SERANG, "agency": office.pk}
    )
    assert response.status_code == 302 and response["Location"].endswith("#rute")
    rule = RoutingRule.objects.get(category=light, kelurahan_id=SERANG)
    assert make_report().agency == office
    entry = _audit("reports.routing.set")
    assert entry.actor == users["admin"] and entry.changes == {"agency": [None, office.pk]}
    page = admin.get(f"/lapor/kategori/{light.pk}/").content.decode()
    assert "Kantor Kelurahan Cipare" in page

    pln = light.agency
    admin.post(f"/lapor/kategori/{light.pk}/rute/", {"kelurahan": SERANG, "agency": pln.pk})
    assert RoutingRule.objects.get(pk=rule.pk).agency == pln
    assert _audit("reports.routing.set").changes == {"agency": [office.pk, pln.pk]}

    missing = admin.post(f"/lapor/kategori/{light.pk}/rute/", {"kelurahan": "", "agency": ""})
    assert missing.status_code == 200 and "tidak boleh kosong" in missing.content.decode()

    response = admin.post(f"/lapor/kategori/{light.pk}/rute/{rule.pk}/hapus/")
    assert response.status_code == 302 and not RoutingRule.objects.filter(pk=rule.pk).exists()
    assert _audit("reports.routing.delete").changes == {"agency": [pln.pk, None]}
    # A rule of another category is not reachable through this one's page.
    drain_rule = RoutingRule.objects.get(category=report_setup["drain"])
    assert admin.post(f"/lapor/kategori/{light.pk}/rute/{drain_rule.pk}/hapus/").status_code == 404
    assert RoutingRule.objects.filter(pk=drain_rule.pk).exists()


def test_defaults_leave_edited_categories_alone(db, agencies, actor_of):
    cats = load_defaults(actor=Actor.system("test"))
    services.category_save(
        actor=actor_of("admin"), code="sampah", name="Sampah liar", agency=agencies["bpbd"]
    )
    load_defaults(actor=Actor.system("test"))
    assert Category.objects.get(code="sampah").name == "Sampah liar"
    load_defaults(actor=Actor.system("test"), update=True)
    assert Category.objects.get(code="sampah").name == cats["sampah"].name
