"""Architecture catalogue: reference codes, elements per OPD, relations and cycles, the
registry sync, the matrix, gaps and the dependency picture."""

import io

import pytest
from openpyxl import load_workbook

from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import AuditEntry
from kendali.spbe import selectors, services
from kendali.spbe.models import Element, ReferenceCode, Relation
from tests.spbe.conftest import add_application as _app

pytestmark = pytest.mark.django_db


def test_reference_lists_load_and_refuse_bad_rows(spbe_loaded, tmp_path, actor_of):
    assert ReferenceCode.objects.filter(model="RAB", code="RAB.01").exists()
    assert ReferenceCode.objects.get(code="RAB.04.02.01").parent_code == "RAB.04.02"
    for model in ("RAB", "RAD", "RAL", "RAA", "RAI", "RAK"):
        (tmp_path / f"{model}.csv").write_text(
            "kode,nama,deskripsi\n" + f"{model}.01,Satu,\n", encoding="utf-8"
        )
    (tmp_path / "RAL.csv").write_text(
        "kode,nama\nRAL.01,Satu\nRAL.09.01,Yatim\nRAX.1,Salah\n", encoding="utf-8"
    )
    before = ReferenceCode.objects.count()
    with pytest.raises(Invalid) as err:
        services.reference_codes_load(actor=actor_of("spbe"), directory=tmp_path)
    rows = {e["baris"] for e in err.value.errors}
    assert {"RAL.csv:3", "RAL.csv:4"} <= rows
    assert ReferenceCode.objects.count() == before  # nothing written


def test_replaced_list_retires_missing_codes(spbe_loaded, tmp_path, actor_of):
    for model in ("RAB", "RAD", "RAL", "RAA", "RAI", "RAK"):
        (tmp_path / f"{model}.csv").write_text(f"kode,nama\n{model}.01,Satu\n", encoding="utf-8")
    result = services.reference_codes_load(actor=actor_of("spbe"), directory=tmp_path)
    assert result["retired"] > 0
    assert not ReferenceCode.objects.get(code="RAA.01.03").is_current
    with pytest.raises(Invalid, match="tidak dikenal"):
        services.check_reference("aplikasi", "RAA.01.03")


def test_unknown_or_wrong_model_reference_is_refused(spbe_loaded, agencies, actor_of):
    with pytest.raises(Invalid, match="RAA.99.99 tidak dikenal"):
        _app(actor_of("spbe"), agencies["damkar"], ref="RAA.99.99")
    with pytest.raises(Invalid, match="milik model RAL"):
        _app(actor_of("spbe"), agencies["damkar"], ref="RAL.01")
    assert not Element.objects.exists()


def test_officer_edits_own_opd_element_other_officer_gets_404(
    spbe_loaded, agencies, actor_of, users
):
    officer = actor_of("officer")  # Damkar
    element = _app(officer, agencies["damkar"])
    entry = AuditEntry.objects.get(action="spbe.element.create", object_id=str(element.pk))
    assert entry.actor == users["officer"]
    services.element_update(
        actor=officer, element=element, name="Nama baru", users="Petugas Damkar"
    )
    assert AuditEntry.objects.filter(action="spbe.element.update", actor=users["officer"]).exists()
    other = actor_of("other_officer")  # PLN
    with pytest.raises(NotFound):
        selectors.element(actor=other, pk=element.pk)
    with pytest.raises(NotFound):
        services.element_update(actor=other, element=element, name="Bukan milikmu")
    with pytest.raises(NotAllowed):
        _app(officer, agencies["pln"], code="APL.PLN")
    with pytest.raises(NotAllowed):
        services.element_update(actor=officer, element=element, agency=agencies["pln"])
    element.refresh_from_db()
    assert element.name == "Nama baru" and element.agency == agencies["damkar"]
    # The coordinator edits every OPD's element.
    services.element_update(actor=actor_of("spbe"), element=element, description="oleh koordinator")


def test_pages_object_level(spbe_loaded, agencies, actor_of, clients):
    element = _app(actor_of("officer"), agencies["damkar"])
    assert clients["officer"].get(f"/spbe/arsitektur/{element.pk}/").status_code == 200
    assert clients["other_officer"].get(f"/spbe/arsitektur/{element.pk}/").status_code == 404
    assert clients["other_officer"].get(f"/spbe/arsitektur/{element.pk}/ubah/").status_code == 404
    response = clients["officer"].post(
        f"/spbe/arsitektur/{element.pk}/ubah/",
        {"code": element.code, "name": "Diubah", "reference_code": "RAA.77"},
    )
    assert response.status_code == 422
    assert "RAA.77 tidak dikenal" in response.content.decode()
    element.refresh_from_db()
    assert element.name != "Diubah"
    api = clients["other_officer"].get(f"/api/v1/spbe/elements/{element.pk}")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/problem+json")


def test_relations_refuse_cycles_and_wrong_domains(spbe_loaded, agencies, actor_of, users):
    spbe = actor_of("spbe")
    a = _app(spbe, agencies["damkar"], "APL.A")
    b = _app(spbe, agencies["damkar"], "APL.B")
    c = _app(spbe, agencies["damkar"], "APL.C")
    services.relation_add(actor=spbe, source=a, target=b, kind="depends_on")
    services.relation_add(actor=spbe, source=b, target=c, kind="depends_on")
    with pytest.raises(Invalid, match="siklus"):
        services.relation_add(actor=spbe, source=c, target=a, kind="depends_on")
    # Integration is mutual: both ways allowed.
    services.relation_add(actor=spbe, source=c, target=a, kind="integrates")
    services.relation_add(actor=spbe, source=a, target=c, kind="integrates")
    data = services.element_create(
        actor=spbe, domain="data", code="DATA.X", name="Data", agency=agencies["damkar"]
    )
    with pytest.raises(Invalid, match="tidak berlaku"):
        services.relation_add(actor=spbe, source=data, target=a, kind="runs_on_app")
    with pytest.raises(Conflict):
        services.relation_add(actor=spbe, source=a, target=b, kind="depends_on")
    assert Relation.objects.count() == 4
    assert AuditEntry.objects.filter(action="spbe.relation.add", actor=users["spbe"]).count() == 4


def test_sync_adds_kendali_components_and_is_idempotent(spbe_loaded, actor_of):
    result = services.components_sync(actor=actor_of("spbe"))
    assert result["created"] >= 12
    calls = Element.objects.get(system_key="calls.app")
    assert calls.reference_code == "RAA.01.01.01" and calls.agency.code == "diskominfo"
    service = Element.objects.get(system_key="wifi.public_service")
    assert service.domain == "layanan"
    assert Relation.objects.filter(
        source=service, target__system_key="wifi.app", kind="runs_on_app"
    ).exists()
    assert AuditEntry.objects.filter(action="spbe.element.sync").count() >= 12
    again = services.components_sync(actor=actor_of("spbe"))
    assert again == {"created": 0, "updated": 0, "retired": 0, "relations": 0}
    with pytest.raises(NotAllowed):
        services.components_sync(actor=actor_of("officer"))


def test_matrix_gaps_and_dependency_picture(spbe_loaded, agencies, actor_of, clients):
    spbe = actor_of("spbe")
    services.components_sync(actor=spbe)
    _app(spbe, agencies["damkar"], "APL.ADUAN1")
    _app(spbe, agencies["bpbd"], "APL.ADUAN2")
    services.element_create(actor=spbe, domain="aplikasi", code="APL.YATIM", name="Tanpa pengampu")
    ap = services.element_create(
        actor=spbe,
        domain="infrastruktur",
        code="INFRA.AP1",
        name="AP Taman",
        agency=agencies["diskominfo"],
        reference_code="RAI.02.03",
        asset_ref="wifi.access_point:1",
    )
    service = Element.objects.get(system_key="wifi.public_service")
    services.relation_add(actor=spbe, source=service, target=ap, kind="runs_on_infra")
    gaps = selectors.gaps(actor=spbe)
    assert [e.code for e in gaps["no_owner"]] == ["APL.YATIM"]
    assert "APL.YATIM" in [e.code for e in gaps["no_code"]]
    dup = [d for d in gaps["duplicates"] if d["reference_code"] == "RAA.01.03"]
    assert {e.code for e in dup[0]["elements"]} == {"APL.ADUAN1", "APL.ADUAN2"}
    response = clients["spbe"].get("/spbe/arsitektur/matriks.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[1] == "Kode komponen instansi" and header[4] == "Deskripsi referensi"
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["INFRA.AP1"][3] == "RAI.02.03" and "Titik Akses" in rows["INFRA.AP1"][4]
    svg = clients["spbe"].get(f"/spbe/arsitektur/{service.pk}/dependensi.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert "INFRA.AP1" in body and body.startswith("<svg")
    assert "KDL.WIFI-APP" in body
    assert clients["spbe"].get("/spbe/arsitektur/celah/").status_code == 200


def test_coordinator_home_card_links_to_spbe(clients):
    body = clients["spbe"].get("/").content.decode()
    assert '<h2><a href="/spbe/">Koordinator SPBE</a></h2>' in body


def test_catalogue_page_lists_and_filters(spbe_loaded, agencies, actor_of, clients):
    spbe = actor_of("spbe")
    _app(spbe, agencies["damkar"], "APL.SATU")
    services.element_create(
        actor=spbe, domain="data", code="DATA.DUA", name="Data dua", agency=agencies["bpbd"]
    )
    body = clients["officer"].get("/spbe/arsitektur/").content.decode()
    assert "APL.SATU" in body and "DATA.DUA" in body and "Aplikasi" in body
    filtered = clients["officer"].get("/spbe/arsitektur/?domain=data").content.decode()
    assert "DATA.DUA" in filtered and "APL.SATU" not in filtered
    # Kendali's own components carry a "Kendali" pill; names are text, never markup.
    services.components_sync(actor=spbe)
    services.element_create(
        actor=spbe, domain="data", code="DATA.TIGA", name="<b>Tiga</b>", agency=agencies["bpbd"]
    )
    own = clients["officer"].get("/spbe/arsitektur/?q=DATA.TIGA").content.decode()
    assert "&lt;b&gt;Tiga&lt;/b&gt;" in own and "<b>Tiga" not in own
    own = clients["officer"].get("/spbe/arsitektur/?q=KDL.").content.decode()
    assert '<span class="pill">Kendali</span>' in own and "&lt;span" not in own


def test_api_elements_and_errors(spbe_loaded, agencies, clients, users):
    api = clients["officer"]
    ok = api.post(
        "/api/v1/spbe/elements",
        {
            "domain": "aplikasi",
            "code": "APL.API",
            "name": "Lewat API",
            "agency_id": agencies["damkar"].pk,
            "reference_code": "RAA.01.03",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    pk = ok.json()["id"]
    bad = api.patch(
        f"/api/v1/spbe/elements/{pk}", {"reference_code": "RAA.55"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert "tidak dikenal" in bad.json()["detail"]
    assert Element.objects.get(pk=pk).reference_code == "RAA.01.03"
    other = clients["other_officer"].patch(
        f"/api/v1/spbe/elements/{pk}", {"name": "x"}, content_type="application/json"
    )
    assert other.status_code == 404
    assert (
        AuditEntry.objects.filter(action="spbe.element.create", actor=users["officer"]).count() == 1
    )
    listing = clients["spbe"].get("/api/v1/spbe/elements?domain=aplikasi").json()
    assert [e["code"] for e in listing] == ["APL.API"]
    schema = clients["spbe"].get("/api/v1/openapi.json").json()
    assert (
        "/api/v1/spbe/elements" in schema["paths"]
        and "/api/v1/spbe/roadmap/indicators" in schema["paths"]
    )


def test_domain_counts_count_every_element(spbe_loaded, agencies, actor_of):
    spbe = actor_of("spbe")
    for n in range(3):
        _app(spbe, agencies["damkar"], f"APL.N{n}")
    counts = {key: n for key, _label, n in selectors.domain_counts(actor=spbe)}
    assert counts["aplikasi"] == 3 and counts["data"] == 0


def test_sync_job_fills_an_empty_installation(db):
    from kendali.spbe.models import Framework, Policy

    result = services.sync_job()
    assert result["created"] >= 12
    assert (
        ReferenceCode.objects.exists()
        and Framework.objects.count() == 2
        and Policy.objects.count() == 10
    )
    entry = AuditEntry.objects.filter(action="spbe.element.sync").first()
    assert entry.actor_label == "spbe.sync"
    assert services.sync_job()["created"] == 0


def test_asset_reference_format_and_registry_choices(spbe_loaded, agencies, actor_of):
    from kendali.core import registry

    spbe = actor_of("spbe")
    with pytest.raises(Invalid, match="tidak valid"):
        services.element_create(
            actor=spbe, domain="infrastruktur", code="INFRA.X", name="x", asset_ref="sembarang teks"
        )
    assert not Element.objects.filter(code="INFRA.X").exists()
    registry.register_asset_source(
        registry.AssetSource(
            "uji.ap",
            "Uji AP",
            "tests.spbe.test_catalogue.fake_devices",
            "tests.spbe.test_catalogue.fake_states",
        )
    )
    try:
        assert selectors.asset_choices(actor=spbe) == [
            {"ref": "uji.ap:7", "name": "AP Taman Uji", "source": "Uji AP"}
        ]
        ap = services.element_create(
            actor=spbe,
            domain="infrastruktur",
            code="INFRA.AP7",
            name="AP",
            asset_ref="uji.ap:7",
            agency=agencies["diskominfo"],
        )
        tree = selectors.dependency_tree(actor=spbe, root=ap)
        assert tree["states"]["uji.ap:7"]["online"] is True
    finally:
        registry._asset_sources.pop("uji.ap", None)


def fake_devices(*, actor):
    yield {
        "ref": "uji.ap:7",
        "name": "AP Taman Uji",
        "kind": "ap",
        "serial": "",
        "agency_id": None,
        "lat": None,
        "lon": None,
    }


def fake_states(*, refs):
    return {
        r: {"online": True, "last_seen": None, "open_alarms": 0, "summary": "daring"} for r in refs
    }


def test_english_catalogue_for_spbe_pages(clients):
    from django.conf import settings

    clients["spbe"].cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = clients["spbe"].get("/spbe/arsitektur/").content.decode()
    assert "SPBE architecture catalogue" in body
