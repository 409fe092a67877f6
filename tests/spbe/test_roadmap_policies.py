"""Peta rencana (versions, timeline, comparison, indicator links) and internal policies."""

from datetime import date

import pytest
import time_machine

from kendali.core.errors import Conflict, Invalid, NotAllowed
from kendali.core.models import AuditEntry
from kendali.spbe import selectors, services
from kendali.spbe.models import Initiative, Policy

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%kebijakan\n"


def _initiative(actor, version, code, **kw):
    values = {
        "name": "Inisiatif " + code,
        "domain": "infrastruktur",
        "start_year": 2025,
        "end_year": 2026,
        "budget": 1000,
    }
    values.update(kw)
    return services.initiative_save(actor=actor, version=version, code=code, **values)


def test_versions_compare_and_refuse_bad_input(spbe_loaded, agencies, actor_of, users, clients):
    spbe = actor_of("spbe")
    with pytest.raises(NotAllowed):
        services.roadmap_version_create(actor=actor_of("officer"), title="x", start_year=2025)
    base = services.roadmap_version_create(actor=spbe, title="Baseline", start_year=2025)
    assert (base.kind, base.start_year, base.end_year) == ("baseline", 2025, 2029)
    dc = _initiative(
        spbe,
        base,
        "PR.01",
        agency=agencies["diskominfo"],
        indicator_codes=["wifi.sessions", "calls.answer_time"],
    )
    b = _initiative(spbe, base, "PR.02", depends_on=[dc], start_year=2026, end_year=2027)
    with pytest.raises(Invalid, match="siklus"):
        services.initiative_save(
            actor=spbe,
            version=base,
            initiative=dc,
            code="PR.01",
            name="x",
            domain="infrastruktur",
            start_year=2025,
            end_year=2026,
            depends_on=[b],
        )
    with pytest.raises(Invalid) as err:
        _initiative(
            spbe,
            base,
            "PR.03",
            start_year=2024,
            end_year=2031,
            progress=120,
            budget=-5,
            indicator_codes=["bad code!"],
        )
    fields = {e["field"] for e in err.value.errors}
    assert {"end_year", "progress", "budget", "indicator_codes"} <= fields
    with pytest.raises(Conflict):
        _initiative(spbe, base, "PR.02")
    revision = services.roadmap_version_create(actor=spbe, title="Revisi 2027")
    assert revision.kind == "revisi" and revision.initiatives.count() == 2
    copied = revision.initiatives.get(code="PR.02")
    assert [d.code for d in copied.depends_on.all()] == ["PR.01"]
    assert copied.depends_on.get().version == revision
    with pytest.raises(Conflict, match="terbaru"):
        _initiative(spbe, base, "PR.09")
    services.initiative_save(
        actor=spbe,
        version=revision,
        initiative=copied,
        code="PR.02",
        name=copied.name,
        domain="infrastruktur",
        start_year=2026,
        end_year=2029,
        budget=5000,
        status="berjalan",
        progress=30,
    )
    _initiative(spbe, revision, "PR.04")
    diff = selectors.roadmap_compare(actor=spbe, a=base, b=revision)
    assert [i.code for i in diff["added"]] == ["PR.04"] and diff["removed"] == []
    changed = {c["code"]: c["fields"] for c in diff["changed"]}
    assert changed["PR.02"]["end_year"] == (2027, 2029) and changed["PR.02"]["budget"][1] == 5000
    assert AuditEntry.objects.filter(action="spbe.initiative.update", actor=users["spbe"]).exists()
    links = selectors.initiatives_by_indicator()
    assert [i["code"] for i in links["wifi.sessions"]] == ["PR.01"]
    page = clients["spbe"].get("/spbe/peta-rencana/")
    assert page.status_code == 200 and "spbe-timeline" in page.content.decode()
    old = clients["spbe"].get("/spbe/peta-rencana/?v=1").content.decode()
    assert "riwayat" in old
    compare = clients["spbe"].get("/spbe/peta-rencana/banding/?a=1&b=2").content.decode()
    assert "PR.04" in compare and "end_year" in compare
    api = clients["officer"].get("/api/v1/spbe/roadmap/indicators").json()
    assert api["calls.answer_time"][0]["code"] == "PR.01"


def test_initiative_page_form(spbe_loaded, actor_of, clients):
    services.roadmap_version_create(actor=actor_of("spbe"), title="Baseline", start_year=2025)
    response = clients["spbe"].post(
        "/spbe/peta-rencana/inisiatif/baru/",
        {
            "code": "PR.10",
            "name": "Data terbuka",
            "domain": "data",
            "start_year": "2025",
            "end_year": "2027",
            "budget": "5000000",
            "status": "rencana",
            "progress": "0",
            "indicator_codes": "opendata.datasets, sc.tata_kelola",
        },
    )
    assert response.status_code == 302
    assert Initiative.objects.get(code="PR.10").indicator_codes == [
        "opendata.datasets",
        "sc.tata_kelola",
    ]
    bad = clients["spbe"].post(
        "/spbe/peta-rencana/inisiatif/baru/",
        {"code": "PR.11", "name": "x", "domain": "data", "start_year": "2020", "end_year": "2021"},
    )
    assert bad.status_code == 422 and not Initiative.objects.filter(code="PR.11").exists()


@time_machine.travel("2026-03-31 17:30:00+00:00", tick=False)  # 00:30 WIB, 1 April
def test_policy_checklist(spbe_loaded, actor_of, users):
    assert Policy.objects.count() == 10
    policy = Policy.objects.get(number=8)
    spbe = actor_of("spbe")
    with pytest.raises(Invalid):
        services.policy_update(actor=spbe, policy=policy, status="ditetapkan")  # no instrument/date
    with pytest.raises(Invalid):
        services.policy_update(
            actor=spbe,
            policy=policy,
            status="ditetapkan",
            instrument="Perwal 1/2026",
            enacted_on=date(2026, 4, 2),
        )
    with pytest.raises(Invalid, match="tidak diterima"):
        services.policy_update(
            actor=spbe, policy=policy, status="draf", document=("a.exe", b"MZ", "")
        )
    with pytest.raises(NotAllowed):
        services.policy_update(actor=actor_of("officer"), policy=policy, status="draf")
    # "Today" in WIB is 1 April: enacting on 1 April is not in the future.
    services.policy_update(
        actor=spbe,
        policy=policy,
        status="ditetapkan",
        instrument="Perwal Serang 5/2026",
        enacted_on=date(2026, 4, 1),
        review_due=date(2027, 4, 1),
        document=("perwal.pdf", PDF, "application/pdf"),
    )
    policy.refresh_from_db()
    assert policy.status == "ditetapkan" and policy.size == len(PDF)
    assert AuditEntry.objects.get(action="spbe.policy.update").actor == users["spbe"]
    from kendali.spbe.evidence import policies

    assert "1 dari 10" in policies(actor=spbe, year=2026)["summary"]


def test_demo_seed_builds_the_city(users, agencies, actor_of, clients, reviewer):
    from django.utils import timezone

    from kendali.core.actors import Actor
    from kendali.spbe import demo
    from kendali.spbe.models import Element, Evaluation, Framework, Relation

    demo.seed(actor=Actor.system("demo"))
    demo.seed(actor=Actor.system("demo"))  # idempotent
    service = Element.objects.get(system_key="wifi.public_service")
    aps = Relation.objects.filter(
        source=service, kind="runs_on_infra", target__reference_code="RAI.02.03"
    )
    assert aps.count() >= 2
    # The coordinator catalogued the city's elements and the reviewer validated them: no
    # element is validated by the person who changed it last.
    validated = Element.objects.filter(validation="valid")
    assert validated.count() == 12 and not validated.exclude(validated_by=reviewer).exists()
    assert not validated.filter(changed_by=reviewer).exists()
    assert Element.objects.get(code="PB.DAMKAR.01").changed_by == users["spbe"]
    # Two past years, answered by the coordinator and accepted by the reviewer, are locked;
    # this year's is the coordinator's to draft.
    this_year = timezone.localdate().year
    past = list(Evaluation.objects.order_by("year"))
    assert [(e.year, e.status) for e in past] == [
        (this_year - 2, "terkunci"),
        (this_year - 1, "terkunci"),
    ]
    assert past[1].index_value > past[0].index_value
    assert not past[1].answers.exclude(reviewed_by=reviewer).exists()
    assert not past[1].answers.exclude(answered_by=users["spbe"]).exists()
    year = services.evaluation_create(
        actor=actor_of("spbe"),
        framework=Framework.objects.get(code="permenpanrb-59-2020"),
        year=this_year,
        copy_from=past[1],
    )
    assert year.status == "draf" and year.answers.filter(evidence__kind="langsung").exists()
    assert clients["spbe"].get(f"/spbe/arsitektur/{service.pk}/").status_code == 200
    assert clients["spbe"].get(f"/spbe/evaluasi/{year.pk}/").status_code == 200
    assert clients["spbe"].get("/spbe/").status_code == 200
    assert clients["spbe"].get("/spbe/arsitektur/?domain=aplikasi&q=KDL").status_code == 200


def fake_targets(*, code):
    return (
        [{"indicator": "sc.x", "name": "Indikator uji", "year": 2027, "target": 90, "unit": "%"}]
        if code == "PR.01"
        else []
    )


def test_roadmap_shows_indicator_targets_naming_an_initiative(
    spbe_loaded, actor_of, clients, monkeypatch
):
    monkeypatch.setattr(
        selectors, "INDICATOR_TARGETS", "tests.spbe.test_roadmap_policies.fake_targets"
    )
    spbe = actor_of("spbe")
    base = services.roadmap_version_create(actor=spbe, title="Baseline", start_year=2025)
    _initiative(spbe, base, "PR.01")
    _initiative(spbe, base, "PR.02")
    assert selectors.indicator_targets({"PR.01", "PR.02"}) == {"PR.01": fake_targets(code="PR.01")}
    assert (
        "→ Indikator uji 2027: 90 %" in clients["spbe"].get("/spbe/peta-rencana/").content.decode()
    )
