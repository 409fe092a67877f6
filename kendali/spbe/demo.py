"""Demo: Kota Serang's SPBE architecture with Kendali's own applications and services in it,
the park Wi-Fi service drawn down to its access points, this year's evaluation drafted from
PermenPANRB 59/2020 with live evidence, last year's locked one, a peta rencana with a
revision, and the internal-policy checklist."""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.models import Agency
from kendali.core.registry import asset_sources

logger = logging.getLogger(__name__)


def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def _el(actor, domain, code, name, agency=None, **fields):
    from kendali.spbe import services
    from kendali.spbe.models import Element

    found = Element.objects.filter(code=code).first()
    if found:
        return found
    return services.element_create(
        actor=actor, domain=domain, code=code, name=name, agency=agency, **fields
    )


def _rel(actor, source, target, kind):
    from kendali.spbe import services
    from kendali.spbe.models import Relation

    if (
        source is None
        or target is None
        or Relation.objects.filter(source=source, target=target, kind=kind).exists()
    ):
        return
    services.relation_add(actor=actor, source=source, target=target, kind=kind)


def _access_points(actor: Actor) -> list[dict]:
    """Park access points as the registry knows them (an asset source of Wi-Fi), if any."""
    for source in asset_sources():
        if source.key.startswith("wifi"):
            from kendali.core.registry import run_selector

            try:
                return list(run_selector(source.devices, actor=actor))[:6]
            except Exception:  # noqa: BLE001 - the demo goes on without them
                return []
    return []


# Levels of the city's first evaluation (indicators 1–47), and those raised the year after,
# once Kendali ran (architecture, peta rencana, ICT assets, BMD, complaints, open data, 112).
PATTERN = [2, 2, 1, 2, 2, 2, 1, 2, 1, 3, 2, 2, 1, 2, 2, 2, 3, 1, 2, 2, 1, 2, 2, 2]
PATTERN += [2, 1, 1, 2, 1, 1, 1, 3, 3, 3, 3, 3, 2, 2, 2, 3, 2, 3, 2, 3, 3, 2, 2]
CODES = [str(n) for n in range(1, 48)]
RAISED = {"1": 3, "2": 3, "8": 3, "11": 3, "12": 3, "17": 3, "24": 3, "38": 3, "42": 3}
RAISED |= {"43": 3, "45": 4}


def _person(username: str, fallback: Actor | None) -> Actor | None:
    from kendali.core.models import User

    user = User.objects.filter(username=username).first()
    return Actor(user=user) if user else fallback


def _locked_year(framework, year, coordinator, reviewer, levels, copy_from=None):
    """One year answered per indicator (Damkar answers 45), submitted, accepted, locked."""
    from kendali.spbe import services

    evaluation = services.evaluation_create(
        actor=coordinator, framework=framework, year=year, copy_from=copy_from
    )
    kominfo, damkar = _agency("diskominfo"), _agency("damkar")
    for a in evaluation.answers.select_related("indicator").order_by("indicator__order"):
        code = a.indicator.code
        services.answer_save(
            actor=coordinator,
            answer=a,
            level=levels[code],
            justification=(
                "Dinaikkan setelah Kendali beroperasi; lihat bukti langsung."
                if copy_from is not None and code in RAISED
                else "Penilaian mandiri Tim Koordinasi SPBE."
            ),
            agency=damkar if code == "45" and damkar else kominfo,
        )
        if code == "44":
            services.evidence_add_link(
                actor=coordinator,
                answer=a,
                title="JDIH Kota Serang",
                url="https://jdih.serangkota.go.id/",
            )
        services.answer_submit(actor=coordinator, answer=a)
        services.answer_review(actor=reviewer, answer=a, accept=True)
    return services.evaluation_lock(actor=coordinator, evaluation=evaluation)


def seed(*, actor: Actor) -> None:
    from kendali.spbe import services
    from kendali.spbe.choices import Domain, RelationKind
    from kendali.spbe.models import Element, Evaluation, Framework, Policy, RoadmapVersion

    services.reference_codes_load(actor=actor)
    services.frameworks_load_bundled(actor=actor)
    services.policies_ensure(actor=actor)
    services.components_sync(actor=actor)
    # The coordinator catalogues the elements and the Inspektorat's reviewer validates them
    # (four eyes). Without the coordinator the demo actor catalogues; without the reviewer
    # nothing is validated (validation needs a person).
    editor = _person("spbe", actor)
    kominfo, damkar, bpbd, dinkes, dpupr = (
        _agency(c) for c in ("diskominfo", "damkar", "bpbd", "dinkes", "dpupr")
    )
    D, R = Domain, RelationKind
    # Business processes and data
    pb_fire = _el(
        editor,
        D.PROSES_BISNIS,
        "PB.DAMKAR.01",
        "Pemadaman kebakaran dan penyelamatan",
        damkar,
        reference_code="RAB.04.02.01",
    )
    pb_disaster = _el(
        editor,
        D.PROSES_BISNIS,
        "PB.BPBD.01",
        "Tanggap darurat bencana",
        bpbd,
        reference_code="RAB.04.01.01",
    )
    pb_comm = _el(
        editor,
        D.PROSES_BISNIS,
        "PB.KOMINFO.01",
        "Layanan komunikasi publik dan akses internet",
        kominfo,
        reference_code="RAB.05.01.01",
    )
    d_calls = _el(
        editor,
        D.DATA,
        "DATA.112",
        "Data panggilan dan kejadian darurat",
        kominfo,
        reference_code="RAD.02.01",
        walidata="Diskominfo Kota Serang",
        classification="terbatas",
    )
    d_sensor = _el(
        editor,
        D.DATA,
        "DATA.SENSOR",
        "Data sensor ketinggian air dan kualitas udara",
        kominfo,
        reference_code="RAD.02.03",
        walidata="Diskominfo Kota Serang",
        classification="terbuka",
    )
    d_wilayah = _el(
        editor,
        D.DATA,
        "DATA.WILAYAH",
        "Batas wilayah kecamatan dan kelurahan",
        kominfo,
        reference_code="RAD.01.01",
        walidata="Bappeda Kota Serang",
        classification="terbuka",
    )
    d_wifi = _el(
        editor,
        D.DATA,
        "DATA.WIFI",
        "Data pemakaian Wi-Fi taman (tanpa data pribadi)",
        kominfo,
        reference_code="RAD.02.03",
        walidata="Diskominfo Kota Serang",
        classification="terbatas",
    )
    # Infrastructure
    pdd = _el(
        editor,
        D.INFRASTRUKTUR,
        "INFRA.PDD",
        "Pusat data daerah Diskominfo",
        kominfo,
        reference_code="RAI.01.01",
    )
    server = _el(
        editor,
        D.INFRASTRUKTUR,
        "INFRA.SRV.KENDALI",
        "Server aplikasi Kendali (VM)",
        kominfo,
        reference_code="RAI.01.03",
        asset_ref="",
    )
    intra = _el(
        editor,
        D.INFRASTRUKTUR,
        "INFRA.JIP",
        "Jaringan intra pemerintah Kota Serang",
        kominfo,
        reference_code="RAI.02.01",
    )
    internet = _el(
        editor,
        D.INFRASTRUKTUR,
        "INFRA.INET.TAMAN",
        "Sambungan internet taman kota",
        kominfo,
        reference_code="RAI.02.02",
    )
    # Security controls
    k_2fa = _el(
        editor,
        D.KEAMANAN,
        "KAM.2FA",
        "Verifikasi dua langkah (TOTP) administrator dan supervisor",
        kominfo,
        reference_code="RAK.02.01",
    )
    k_rbac = _el(
        editor,
        D.KEAMANAN,
        "KAM.RBAC",
        "Hak akses per peran dan OPD",
        kominfo,
        reference_code="RAK.02.02",
    )
    k_audit = _el(
        editor,
        D.KEAMANAN,
        "KAM.AUDIT",
        "Log audit tak-terhapus",
        kominfo,
        reference_code="RAK.03.02",
    )
    k_crypto = _el(
        editor,
        D.KEAMANAN,
        "KAM.ENKRIPSI",
        "Enkripsi rahasia RADIUS dan TLS",
        kominfo,
        reference_code="RAK.03.01",
    )
    # Two applications serving one function in different OPDs (shown in the gap list).
    _el(
        editor,
        D.APLIKASI,
        "APL.DINKES.ADUAN",
        "Aplikasi pengaduan layanan kesehatan",
        dinkes,
        reference_code="RAA.01.03",
        hosting="lokal",
        users="Warga, petugas Dinkes",
    )
    _el(
        editor,
        D.APLIKASI,
        "APL.DPUPR.ADUAN",
        "Aplikasi aduan jalan rusak",
        dpupr,
        reference_code="RAA.01.03",
        hosting="cloud",
        users="Warga, petugas DPUPR",
    )
    _el(
        editor,
        D.APLIKASI,
        "APL.SIMPEG",
        "Aplikasi kepegawaian (belum berpengampu)",
        None,
        reference_code="",
        hosting="pdd",
    )
    kendali = {e.system_key: e for e in Element.objects.filter(system_key__isnull=False)}
    for element in kendali.values():
        if element.domain == D.APLIKASI:
            _rel(actor, element, server, R.RUNS_ON_INFRA)
            _rel(actor, element, k_rbac, R.PROTECTED_BY)
            _rel(actor, element, k_audit, R.PROTECTED_BY)
    _rel(actor, server, pdd, R.RUNS_ON_INFRA)
    _rel(actor, server, intra, R.RUNS_ON_INFRA)
    core = kendali.get("core.platform")
    _rel(actor, core, k_2fa, R.PROTECTED_BY)
    calls_service, wifi_service, wifi_app = (
        kendali.get("calls.service_112"),
        kendali.get("wifi.public_service"),
        kendali.get("wifi.app"),
    )
    _rel(actor, calls_service, d_calls, R.USES_DATA)
    _rel(actor, calls_service, pb_fire, R.SUPPORTS)
    _rel(actor, calls_service, pb_disaster, R.SUPPORTS)
    _rel(actor, kendali.get("sensors.app"), d_sensor, R.USES_DATA)
    _rel(actor, kendali.get("regions.app"), d_wilayah, R.USES_DATA)
    _rel(actor, wifi_service, pb_comm, R.SUPPORTS)
    _rel(actor, wifi_app, d_wifi, R.USES_DATA)
    _rel(actor, wifi_app, k_crypto, R.PROTECTED_BY)
    # The park Wi-Fi service down to its access points (by asset reference). The last access
    # point is catalogued but left for the coordinator to link (the demo walk-through).
    devices = _access_points(actor)
    if devices:
        for n, device in enumerate(devices, start=1):
            ap = _el(
                editor,
                D.INFRASTRUKTUR,
                f"INFRA.AP.{n:02d}",
                f"Titik akses {device['name']}"[:200],
                kominfo,
                reference_code="RAI.02.03",
                asset_ref=device["ref"],
            )
            if n < len(devices) or len(devices) == 1:
                _rel(actor, wifi_service, ap, R.RUNS_ON_INFRA)
            _rel(actor, ap, internet, R.RUNS_ON_INFRA)
    else:
        for n, name in enumerate(("Taman Sari", "Alun-alun Kota Serang"), start=1):
            ap = _el(
                editor,
                D.INFRASTRUKTUR,
                f"INFRA.AP.{n:02d}",
                f"Titik akses Wi-Fi {name}",
                kominfo,
                reference_code="RAI.02.03",
            )
            _rel(actor, wifi_service, ap, R.RUNS_ON_INFRA)
            _rel(actor, ap, internet, R.RUNS_ON_INFRA)
    validator = _person("reviu", None)
    if validator is not None and not Element.objects.filter(validation="valid").exists():
        drafts = Element.objects.exclude(reference_code="").filter(validation="draf")
        for e in drafts.exclude(changed_by=validator.user)[:12]:
            services.element_validate(actor=validator, element=e, accept=True)

    # Evaluations: the two years before this one, answered by the coordinator and accepted
    # by the reviewer (four eyes), then locked. This year's is left for the coordinator to
    # draft from the framework: the draft starts with the live modules' evidence.
    framework = Framework.objects.filter(code="permenpanrb-59-2020").order_by("-version").first()
    year = timezone.localdate().year
    coordinator, reviewer = _person("spbe", actor), _person("reviu", None)
    if framework and reviewer and not Evaluation.objects.filter(framework=framework).exists():
        before = _locked_year(
            framework, year - 2, coordinator, reviewer, dict(zip(CODES, PATTERN, strict=True))
        )
        raised = {**dict(zip(CODES, PATTERN, strict=True)), **RAISED}
        _locked_year(framework, year - 1, coordinator, reviewer, raised, copy_from=before)

    # Peta rencana: baseline and one revision.
    if not RoadmapVersion.objects.exists():
        base = services.roadmap_version_create(
            actor=actor, title="Peta Rencana SPBE Kota Serang 2025–2029", start_year=2025
        )
        plan = [
            (
                "PR.01",
                "Pusat data daerah bersertifikat",
                D.INFRASTRUKTUR,
                2025,
                2026,
                2_500_000_000,
                [pdd],
                ["GOV-01"],
            ),
            (
                "PR.02",
                "Perluasan Wi-Fi publik 40 taman",
                D.INFRASTRUKTUR,
                2025,
                2028,
                1_800_000_000,
                [internet],
                ["TEC-01", "TEC-02", "TEC-03"],
            ),
            (
                "PR.03",
                "Integrasi layanan darurat 112 dengan rumah sakit",
                D.LAYANAN,
                2026,
                2027,
                900_000_000,
                [calls_service] if calls_service else [],
                ["LIV-01", "HLT-01"],
            ),
            (
                "PR.04",
                "Satu Data Kota Serang (portal data terbuka)",
                D.DATA,
                2025,
                2029,
                1_200_000_000,
                [d_sensor, d_wilayah],
                ["GOV-03", "GOV-04"],
            ),
            (
                "PR.05",
                "Sistem manajemen keamanan informasi",
                D.KEAMANAN,
                2026,
                2029,
                700_000_000,
                [k_audit, k_2fa],
                [],
            ),
        ]
        made = {}
        for code, name, domain, s, e, budget, targets, indicators in plan:
            made[code] = services.initiative_save(
                actor=actor,
                version=base,
                code=code,
                name=name,
                domain=domain,
                start_year=s,
                end_year=e,
                agency=kominfo,
                budget=budget,
                status="berjalan" if s == 2025 else "rencana",
                progress=40 if s == 2025 else 0,
                target_elements=[t for t in targets if t],
                indicator_codes=indicators,
                depends_on=[made["PR.01"]] if code in ("PR.03", "PR.04") else [],
            )
        rev = services.roadmap_version_create(
            actor=actor, title="Revisi paruh waktu 2027", note="Penyesuaian anggaran"
        )
        pr02 = rev.initiatives.get(code="PR.02")
        services.initiative_save(
            actor=actor,
            version=rev,
            initiative=pr02,
            code="PR.02",
            name=pr02.name,
            domain=pr02.domain,
            start_year=2025,
            end_year=2029,
            agency=kominfo,
            budget=2_100_000_000,
            status="berjalan",
            progress=55,
            target_elements=list(pr02.target_elements.all()),
            indicator_codes=pr02.indicator_codes,
        )
        services.initiative_save(
            actor=actor,
            version=rev,
            code="PR.06",
            name="Audit TIK aplikasi prioritas",
            domain=D.KEAMANAN,
            start_year=2027,
            end_year=2028,
            agency=kominfo,
            budget=350_000_000,
            target_elements=[k_audit],
            indicator_codes=[],
        )

    # Internal policies: some already enacted.
    for number, instrument, day in (
        (1, "Perwal Serang 23/2024", date(2024, 5, 2)),
        (2, "Perwal Serang 23/2024", date(2024, 5, 2)),
        (10, "Keputusan Wali Kota 800/2025", date(2025, 2, 10)),
    ):
        policy = Policy.objects.get(number=number)
        if policy.status != "ditetapkan":
            services.policy_update(
                actor=actor,
                policy=policy,
                status="ditetapkan",
                instrument=instrument,
                enacted_on=day,
            )
