"""Index evaluation: frameworks as data, answers with levels and evidence, review, lock,
index and predicate as the regulation computes them, comparison and exports."""

import copy
import io
import json

import pytest
import time_machine
from openpyxl import load_workbook

from kendali.core.actors import Actor
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import AuditEntry
from kendali.spbe import frameworks, scoring, selectors, services
from kendali.spbe.models import Answer, Evidence, Framework
from tests.spbe.conftest import accept_all

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


def test_bundled_59_2020_is_complete(framework59):
    assert framework59.indicators.count() == 47
    domains = list(framework59.domains.order_by("order"))
    assert [(d.code, d.weight) for d in domains] == [
        ("D1", 13),
        ("D2", 25),
        ("D3", 16.5),
        ("D4", 45.5),
    ]
    assert sum(len(d.aspects.all()) for d in domains) == 8
    assert round(sum(i.weight for i in framework59.indicators.all()), 6) == 100
    first = framework59.indicators.get(code="1")
    assert [lv["nama"] for lv in first.levels] == [
        "Rintisan",
        "Terkelola",
        "Terdefinisi",
        "Terpadu dan Terukur",
        "Optimum",
    ]
    assert all(lv["diringkas"] for lv in first.levels)  # summarised criteria are marked as such
    assert not any(lv.get("nama_belum_pasti") for lv in first.levels)
    # Service levels (D4): only Interaksi and Transaksi are confirmed names.
    service = framework59.indicators.get(code="43")
    assert [lv["nama"] for lv in service.levels if not lv.get("nama_belum_pasti")] == [
        "Interaksi",
        "Transaksi",
    ]
    assert framework59.indicators.get(code="38").name_uncertain


def test_pemdi_2026_loads_from_its_file(spbe_loaded):
    pemdi = Framework.objects.get(code="pemdi-2026")
    assert pemdi.indicators.count() == 20
    assert pemdi.indicators.get(code="16").weight == 4


def test_framework_schema_names_each_faulty_row(spbe_loaded, actor_of):
    data = frameworks.read(frameworks.BUNDLED / "pemdi-2026.json")
    bad = copy.deepcopy(data)
    bad["versi"] = "2"
    bad["aspek"][2]["indikator"][1]["bobot"] = "tiga"
    bad["aspek"][0]["indikator"][0]["tingkat"] = bad["aspek"][0]["indikator"][0]["tingkat"][:4]
    bad["predikat"][1]["min"] = 9
    bad["aspek"][1]["indikator"][0]["tingkat"][2]["diringkas"] = "ya"
    count = Framework.objects.count()
    with pytest.raises(Invalid) as err:
        services.framework_load(actor=actor_of("spbe"), data=bad)
    rows = {e["baris"] for e in err.value.errors}
    assert "aspek[2].indikator[1].bobot" in rows
    assert "aspek[0].indikator[0].tingkat" in rows
    assert "predikat[1].min" in rows
    assert "aspek[1].indikator[0].tingkat[2].diringkas" in rows
    assert Framework.objects.count() == count
    # Same code and version with different content: refused, never overwritten.
    changed = copy.deepcopy(data)
    changed["nama"] = "lain"
    with pytest.raises(Conflict):
        services.framework_load(actor=actor_of("spbe"), data=changed)
    ok = copy.deepcopy(data)
    ok["versi"] = "2"
    assert services.framework_load(actor=actor_of("spbe"), data=ok).indicators.count() == 20


def test_framework_upload_page_shows_row_errors(spbe_loaded, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = json.dumps(
        {
            "kode": "x",
            "versi": "1",
            "nama": "X",
            "predikat": [],
            "aspek": [{"kode": "A", "nama": "A", "bobot": 5, "indikator": []}],
        }
    )
    response = clients["spbe"].post(
        "/spbe/kerangka/", {"file": SimpleUploadedFile("x.json", body.encode(), "application/json")}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "aspek[0].indikator" in text and "predikat" in text


def test_index_reproduces_the_aceh_tengah_check():
    """Domains 2.30 / 1.70 / 1.00 / 3.75 with weights 13/25/16.5/45.5 give 2.59, Cukup."""
    data = frameworks.read(frameworks.BUNDLED / "permenpanrb-59-2020.json")
    domains, n = [], 0
    for d in data["domain"]:
        aspects = []
        for a in d["aspek"]:
            items = []
            for i in a["indikator"]:
                n += 1
                items.append((n, i["kode"], i["bobot"]))
            aspects.append((a["kode"], a["nama"], a["bobot"], tuple(items)))
        domains.append((d["kode"], d["nama"], d["bobot"], tuple(aspects)))
    structure = scoring.Structure(
        tuple(domains), tuple((p["nama"], p["min"]) for p in data["predikat"])
    )
    # Every indicator at level 3 gives an index of exactly 3.
    result = scoring.compute(structure, dict.fromkeys(range(1, 48), 3))
    assert result["index"] == 3 and result["predicate"] == "Baik"
    # One aspect per domain, indicator weights chosen so the domain indices are the reported ones.
    aceh = scoring.Structure(
        (
            ("D1", "", 13, (("A", "", 13, ((1, "1", 0.7), (2, "2", 0.3))),)),
            ("D2", "", 25, (("A", "", 25, ((3, "3", 0.3), (4, "4", 0.7))),)),
            ("D3", "", 16.5, (("A", "", 16.5, ((5, "5", 1.0),)),)),
            ("D4", "", 45.5, (("A", "", 45.5, ((6, "6", 0.25), (7, "7", 0.75))),)),
        ),
        structure.predicates,
    )
    result = scoring.compute(aceh, {1: 2, 2: 3, 3: 1, 4: 2, 5: 1, 6: 3, 7: 4})
    assert [round(d["index"], 2) for d in result["domains"]] == [2.30, 1.70, 1.00, 3.75]
    assert result["index"] == pytest.approx(2.5953, abs=2e-4)  # published as 2.59
    assert result["predicate"] == "Cukup"
    assert scoring.predicate_of(structure, 4.2) == "Memuaskan"
    assert scoring.predicate_of(structure, 4.19) == "Sangat Baik"
    assert scoring.predicate_of(structure, 3.5) == "Sangat Baik"
    assert scoring.predicate_of(structure, 2.6) == "Baik"
    assert scoring.predicate_of(structure, 1.8) == "Cukup"
    assert scoring.predicate_of(structure, 1.79) == "Kurang"


def test_weighted_index_from_answers(evaluation, actor_of):
    spbe = actor_of("spbe")
    for a in evaluation.answers.select_related("indicator__aspect__domain"):
        level = 4 if a.indicator.aspect.domain.code == "D4" else 2
        services.answer_save(actor=spbe, answer=a, level=level, justification="uji")
    score = selectors.evaluation_score(evaluation)
    expected = 0.13 * 2 + 0.25 * 2 + 0.165 * 2 + 0.455 * 4
    assert score["index"] == pytest.approx(expected, abs=1e-4)
    assert score["predicate"] == "Baik" and score["unanswered"] == 0
    best = selectors.raise_candidates(evaluation=evaluation, limit=3)
    # Layanan Publik (A8, 3%) indicators raise the index most: 0.03 per level.
    assert best[0]["gain"] == pytest.approx(0.03, abs=1e-4) and best[0]["code"] in {
        "42",
        "43",
        "44",
        "45",
        "46",
        "47",
    }


def test_level_outside_1_5_is_refused(evaluation, actor_of):
    answer = evaluation.answers.first()
    for bad in (0, 6, "tiga", "2.5", -1):
        with pytest.raises(Invalid, match="1 sampai 5"):
            services.answer_save(
                actor=actor_of("spbe"), answer=answer, level=bad, justification="x"
            )
    answer.refresh_from_db()
    assert (
        answer.level is None and not AuditEntry.objects.filter(action="spbe.answer.save").exists()
    )


def test_officer_answers_own_opd_indicator_only(evaluation, agencies, actor_of, users, clients):
    spbe = actor_of("spbe")
    answer = evaluation.answers.get(indicator__code="45")
    services.answer_save(actor=spbe, answer=answer, level=None, agency=agencies["damkar"])
    officer = actor_of("officer")
    services.answer_save(
        actor=officer, answer=answer, level=3, justification="Layanan pemadaman daring"
    )
    entry = AuditEntry.objects.filter(action="spbe.answer.save").latest("id")
    assert entry.actor == users["officer"] and entry.changes["level"] == [None, 3]
    with pytest.raises(NotFound):
        selectors.answer(actor=actor_of("other_officer"), pk=answer.pk)
    with pytest.raises(NotFound):
        services.answer_save(actor=actor_of("other_officer"), answer=answer, level=1)
    with pytest.raises(NotAllowed):
        services.answer_save(actor=officer, answer=answer, level=3, agency=agencies["pln"])
    assert clients["officer"].get(f"/spbe/jawaban/{answer.pk}/").status_code == 200
    assert clients["other_officer"].get(f"/spbe/jawaban/{answer.pk}/").status_code == 404
    assert (
        clients["other_officer"]
        .put(f"/api/v1/spbe/answers/{answer.pk}", {"level": 2}, content_type="application/json")
        .status_code
        == 404
    )
    # The officer sees only their OPD's answers in the list.
    assert [a.pk for a in selectors.answers(actor=officer, evaluation=evaluation)] == [answer.pk]


def test_evidence_type_and_size_are_checked(evaluation, actor_of, users):
    spbe = actor_of("spbe")
    answer = evaluation.answers.first()
    with pytest.raises(Invalid, match=r"\.exe tidak diterima"):
        services.evidence_add_document(
            actor=spbe,
            answer=answer,
            title="x",
            filename="virus.exe",
            content=b"MZ",
            content_type="application/octet-stream",
        )
    with pytest.raises(Invalid, match="tidak sesuai"):
        services.evidence_add_document(
            actor=spbe,
            answer=answer,
            title="x",
            filename="palsu.pdf",
            content=b"<html>",
            content_type="application/pdf",
        )
    with pytest.raises(Invalid, match="terlalu besar"):
        services.evidence_add_document(
            actor=spbe,
            answer=answer,
            title="x",
            filename="besar.pdf",
            content=PDF + b"0" * (5 * 1024 * 1024),
            content_type="application/pdf",
        )
    with pytest.raises(Invalid, match="http"):
        services.evidence_add_link(actor=spbe, answer=answer, title="x", url="javascript:alert(1)")
    assert not Evidence.objects.exclude(kind="langsung").exists()
    doc = services.evidence_add_document(
        actor=spbe,
        answer=answer,
        title="SK Tim",
        filename="sk.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    assert AuditEntry.objects.get(action="spbe.evidence.add").actor == users["spbe"]
    assert doc.size == len(PDF)


def test_upload_page_refuses_wrong_type(evaluation, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = evaluation.answers.first()
    response = clients["spbe"].post(
        f"/spbe/jawaban/{answer.pk}/",
        {
            "action": "document",
            "title": "x",
            "file": SimpleUploadedFile("a.svg", b"<svg/>", "image/svg+xml"),
        },
        follow=True,
    )
    assert ".svg tidak diterima" in response.content.decode()
    assert not Evidence.objects.exclude(kind="langsung").exists()
    ok = clients["spbe"].post(
        f"/spbe/jawaban/{answer.pk}/",
        {
            "action": "document",
            "title": "SK",
            "file": SimpleUploadedFile("sk.pdf", PDF, "application/pdf"),
        },
    )
    assert ok.status_code == 302
    evidence = Evidence.objects.get(kind="dokumen")
    download = clients["spbe"].get(f"/spbe/bukti/{evidence.pk}/")
    assert download.content == PDF and download["X-Content-Type-Options"] == "nosniff"


def test_live_evidence_from_registered_sources(evaluation, actor_of):
    from kendali.core.registry import evidence_sources

    keys = {s.key for s in evidence_sources()}
    assert {"calls.service_112", "spbe.architecture", "spbe.roadmap", "spbe.policies"} <= keys
    # The draft starts with what each module offers for the indicators it supports.
    filled = {
        (e.answer.indicator.code, e.source_key)
        for e in Evidence.objects.filter(answer__evaluation=evaluation).select_related(
            "answer__indicator"
        )
    }
    assert {
        ("1", "spbe.policies"),
        ("11", "spbe.architecture"),
        ("12", "spbe.roadmap"),
        ("24", "assets.ict_management"),
        ("38", "assets.bmd_service"),
        ("42", "reports.complaints_service"),
        ("43", "indicators.open_data"),
        ("45", "calls.service_112"),
    } <= filled
    created = AuditEntry.objects.get(action="spbe.evaluation.create")
    assert ["43", "indicators.open_data"] in created.changes["live_evidence"][1]
    answer = evaluation.answers.get(indicator__code="45")
    evidence = services.evidence_add_live(
        actor=actor_of("spbe"), answer=answer, source_key="calls.service_112"
    )
    assert evidence.kind == "langsung" and "Panggilan masuk" in evidence.snapshot["figures"]
    with pytest.raises(Invalid, match="tidak terdaftar"):
        services.evidence_add_live(actor=actor_of("spbe"), answer=answer, source_key="tidak.ada")


def test_review_lock_and_locked_edits_refused(evaluation, actor_of, users, reviewer):
    spbe, inspektorat = actor_of("spbe"), Actor(user=reviewer, ip="127.0.0.1")
    answers = list(evaluation.answers.all())
    with pytest.raises(Invalid, match="belum diterima"):
        services.evaluation_lock(actor=spbe, evaluation=evaluation)
    with pytest.raises(NotAllowed):
        services.answer_review(actor=actor_of("officer"), answer=answers[0], accept=True)
    for a in answers:
        services.answer_save(actor=spbe, answer=a, level=3, justification="ok")
        services.answer_submit(actor=spbe, answer=a)
    with pytest.raises(Invalid, match="alasan"):
        services.answer_review(actor=inspektorat, answer=answers[0], accept=False)
    services.answer_review(actor=inspektorat, answer=answers[0], accept=False, note="Bukti kurang")
    assert Answer.objects.get(pk=answers[0].pk).status == "dikembalikan"
    with pytest.raises(Invalid, match="belum diterima"):
        services.evaluation_lock(actor=spbe, evaluation=evaluation)
    services.answer_submit(actor=spbe, answer=answers[0])
    for a in answers:
        services.answer_review(actor=inspektorat, answer=a, accept=True)
    locked = services.evaluation_lock(actor=spbe, evaluation=evaluation)
    assert (
        locked.index_value == 3 and locked.predicate == "Baik" and locked.locked_by == users["spbe"]
    )
    with pytest.raises(Conflict, match="sudah dikunci"):
        services.answer_save(actor=spbe, answer=answers[0], level=5, justification="x")
    with pytest.raises(Conflict, match="sudah dikunci"):
        services.evidence_add_link(
            actor=spbe, answer=answers[0], title="x", url="https://serangkota.go.id/"
        )
    assert Answer.objects.get(pk=answers[0].pk).level == 3
    # The live figure for the smart-city indicators shows the locked index.
    from datetime import date

    from kendali.spbe.figures import spbe_index

    figure = spbe_index(actor=Actor.system("t"), start=date(2026, 1, 1), end=date(2027, 1, 1))
    assert figure["value"] == 3.0 and "Baik" in figure["reason"]
    assert (
        spbe_index(actor=Actor.system("t"), start=date(2025, 1, 1), end=date(2026, 1, 1))["value"]
        is None
    )


@time_machine.travel("2026-12-31 20:00:00+00:00", tick=False)  # 03:00 WIB on 1 January 2027
def test_year_over_year_and_exports(framework59, actor_of, users):
    from tests.conftest import login_client

    client = login_client(users["spbe"])  # logged in at the travelled-to time
    spbe = actor_of("spbe")
    last = services.evaluation_create(actor=spbe, framework=framework59, year=2025)
    for a in last.answers.all():
        services.answer_save(actor=spbe, answer=a, level=2, justification="2025")
    now = services.evaluation_create(actor=spbe, framework=framework59, year=2026, copy_from=last)
    assert set(now.answers.values_list("level", flat=True)) == {2}  # carried over as a draft
    raised = now.answers.get(indicator__code="43")
    services.answer_save(actor=spbe, answer=raised, level=4, justification="Portal data terbuka")
    services.evidence_add_link(
        actor=spbe, answer=raised, title="Portal", url="https://data.serangkota.go.id/"
    )
    yoy = selectors.year_over_year(actor=spbe, evaluation=now)
    assert yoy["delta"] == pytest.approx(0.06, abs=1e-4)
    assert yoy["changed"] == [{"code": "43", "name": raised.indicator.name, "before": 2, "now": 4}]
    xlsx = client.get(f"/spbe/evaluasi/{now.pk}/ekspor.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    row43 = next(r for r in rows if r[2] == "43")
    assert (
        row43[5] == 4 and row43[6] == "Kolaborasi" and "https://data.serangkota.go.id/" in row43[10]
    )
    assert book.worksheets[0]["B4"].value == pytest.approx(2.06, abs=1e-4)
    pdf = client.get(f"/spbe/evaluasi/{now.pk}/ekspor.pdf")
    assert (
        pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF-1.4")
        and pdf.content.rstrip().endswith(b"%%EOF")
    )
    # An independent reader opens it: per indicator its level, status, OPD and evidence.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.content), strict=True)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2 and "Evaluasi SPBE 2026" in text
    block = text[text.index("43. Tingkat Kematangan Layanan Data Terbuka") :]
    assert "Tingkat: 4" in block[:200] and "https://data.serangkota.go.id/" in block[:600]
    page = client.get(f"/spbe/evaluasi/{now.pk}/")
    assert "Dibanding 2025" in page.content.decode()


def test_evidence_of_another_opd_is_not_found(evaluation, agencies, actor_of, clients):
    spbe = actor_of("spbe")
    answer = evaluation.answers.get(indicator__code="24")
    services.answer_save(
        actor=spbe,
        answer=answer,
        level=2,
        justification="Register aset TIK",
        agency=agencies["damkar"],
    )
    doc = services.evidence_add_document(
        actor=spbe,
        answer=answer,
        title="Register",
        filename="r.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    assert clients["officer"].get(f"/spbe/bukti/{doc.pk}/").status_code == 200
    assert clients["other_officer"].get(f"/spbe/bukti/{doc.pk}/").status_code == 404
    assert clients["other_officer"].post(f"/spbe/bukti/{doc.pk}/hapus/").status_code == 404
    assert Evidence.objects.filter(pk=doc.pk).exists()


def test_locked_evaluation_page_refuses_edits(evaluation, actor_of, clients, reviewer):
    spbe = actor_of("spbe")
    accept_all(evaluation, answerer=spbe, reviewer=Actor(user=reviewer), level=1)
    services.evaluation_lock(actor=spbe, evaluation=evaluation)
    answer = evaluation.answers.first()
    response = clients["spbe"].post(
        f"/spbe/jawaban/{answer.pk}/",
        {"action": "save", "level": "5", "justification": "y"},
        follow=True,
    )
    assert "sudah dikunci" in response.content.decode()
    answer.refresh_from_db()
    assert answer.level == 1
    api = clients["spbe"].put(
        f"/api/v1/spbe/answers/{answer.pk}", {"level": 4}, content_type="application/json"
    )
    assert api.status_code == 409 and "sudah dikunci" in api.json()["detail"]


def test_upload_page_refuses_oversized_file(evaluation, clients):
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = evaluation.answers.first()
    big = SimpleUploadedFile("besar.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")
    response = clients["spbe"].post(
        f"/spbe/jawaban/{answer.pk}/",
        {"action": "document", "title": "x", "file": big},
        follow=True,
    )
    assert "terlalu besar" in response.content.decode()
    assert not Evidence.objects.exclude(kind="langsung").exists()


def test_review_is_four_eyes_and_returns_to_the_opd(
    evaluation, agencies, actor_of, users, clients, reviewer
):
    spbe, officer = actor_of("spbe"), actor_of("officer")
    inspektorat = Actor(user=reviewer, ip="127.0.0.1")
    fire = evaluation.answers.get(indicator__code="45")
    services.answer_save(actor=spbe, answer=fire, level=None, agency=agencies["damkar"])
    assert Answer.objects.get(pk=fire.pk).answered_by is None  # assigning an OPD is no answer
    services.answer_save(actor=officer, answer=fire, level=3, justification="Layanan daring")
    with pytest.raises(Conflict, match="sudah diajukan"):
        services.answer_review(actor=inspektorat, answer=fire, accept=True)  # still a draft
    services.answer_submit(actor=officer, answer=fire)
    # Another OPD's officer: the answer does not exist for them, to answer or to accept.
    for call in (
        lambda: services.answer_save(
            actor=actor_of("other_officer"), answer=fire, level=5, justification="x"
        ),
        lambda: services.answer_submit(actor=actor_of("other_officer"), answer=fire),
    ):
        with pytest.raises(NotFound):
            call()
    for action in ("accept", "save"):
        page = clients["other_officer"].post(
            f"/spbe/jawaban/{fire.pk}/", {"action": action, "level": "5", "note": "x"}
        )
        assert page.status_code == 404
    assert (
        clients["other_officer"]
        .post(f"/api/v1/spbe/answers/{fire.pk}/submit", {}, content_type="application/json")
        .status_code
        == 404
    )
    # An officer may not review at all, not even their own OPD's answer.
    with pytest.raises(NotAllowed):
        services.answer_review(actor=officer, answer=fire, accept=True)
    assert (
        clients["officer"]
        .post(
            f"/api/v1/spbe/answers/{fire.pk}/review",
            {"accept": True},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert Answer.objects.get(pk=fire.pk).status == "diajukan"

    # The reviewer returns it with a note; the OPD sees the note on its list and its answer.
    services.answer_review(
        actor=inspektorat, answer=fire, accept=False, note="Lampirkan SOP layanan daring."
    )
    entry = AuditEntry.objects.get(action="spbe.answer.return")
    assert entry.actor == reviewer and entry.note == "Lampirkan SOP layanan daring."
    listing = clients["officer"].get(f"/spbe/evaluasi/{evaluation.pk}/").content.decode()
    assert "Dikembalikan reviewer ke OPD" in listing and "Lampirkan SOP layanan daring." in listing
    page = clients["officer"].get(f"/spbe/jawaban/{fire.pk}/").content.decode()
    assert "Dikembalikan ke OPD" in page and "Reviewer Inspektorat" in page
    response = clients["officer"].post(
        f"/spbe/jawaban/{fire.pk}/",
        {"action": "save", "level": "3", "justification": "Layanan daring; SOP terlampir."},
    )
    assert response.status_code == 302
    assert clients["officer"].post(f"/spbe/jawaban/{fire.pk}/", {"action": "submit"}).status_code
    assert Answer.objects.get(pk=fire.pk).status == "diajukan"
    from tests.conftest import login_client

    reviu = login_client(reviewer)
    queue = reviu.get(f"/spbe/evaluasi/{evaluation.pk}/").content.decode()
    assert "Menunggu reviu Anda" in queue
    accepted = reviu.post(
        f"/api/v1/spbe/answers/{fire.pk}/review", {"accept": True}, content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "diterima"
    assert AuditEntry.objects.get(action="spbe.answer.accept").actor == reviewer

    # The coordinator who wrote an answer may not accept it; another reviewer may.
    plan = evaluation.answers.get(indicator__code="11")
    services.answer_save(actor=spbe, answer=plan, level=3, justification="Arsitektur 2025")
    services.answer_submit(actor=spbe, answer=plan)
    with pytest.raises(NotAllowed, match="empat mata"):
        services.answer_review(actor=spbe, answer=plan, accept=True)
    own = clients["spbe"].post(f"/spbe/jawaban/{plan.pk}/", {"action": "accept"}, follow=True)
    assert "empat mata" in own.content.decode()
    assert Answer.objects.get(pk=plan.pk).status == "diajukan"
    assert not AuditEntry.objects.filter(action="spbe.answer.accept", actor=users["spbe"]).exists()
    services.answer_review(actor=inspektorat, answer=plan, accept=True)
    # Changing what was accepted — here its evidence — sends it back for review.
    services.evidence_add_link(
        actor=spbe, answer=plan, title="Dokumen", url="https://serangkota.go.id/arsitektur"
    )
    assert Answer.objects.get(pk=plan.pk).status == "draf"


def test_a_second_review_of_a_stale_answer_is_refused(evaluation, actor_of, reviewer):
    spbe, inspektorat = actor_of("spbe"), Actor(user=reviewer)
    answer = evaluation.answers.get(indicator__code="43")
    services.answer_save(actor=spbe, answer=answer, level=2, justification="Portal")
    services.answer_submit(actor=spbe, answer=answer)
    stale = Answer.objects.get(pk=answer.pk)  # two tabs open on the same answer
    services.answer_review(actor=inspektorat, answer=answer, accept=True)
    with pytest.raises(Conflict):
        services.answer_review(actor=inspektorat, answer=stale, accept=False, note="x")
    assert Answer.objects.get(pk=answer.pk).status == "diterima"
