"""SPBE's own records as live evidence: the architecture (indicator 11), the peta rencana
(12) and the internal policies (1–10)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.registry import EvidenceSource, register_evidence

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def architecture(*, actor, year: int) -> dict:
    from kendali.spbe.choices import Domain, Validation
    from kendali.spbe.models import Element

    counts: dict[StrOrPromise, int] = {
        d.label: Element.objects.filter(domain=d.value).exclude(status="pensiun").count()
        for d in Domain
    }
    total = sum(counts.values())
    coded = Element.objects.exclude(reference_code="").exclude(status="pensiun").count()
    valid = Element.objects.filter(validation=Validation.VALID).count()
    figures: dict[StrOrPromise, int] = {
        **counts,
        _("Berkode referensi"): coded,
        _("Tervalidasi"): valid,
    }
    return {
        "title": _("Katalog arsitektur SPBE Kendali"),
        "summary": _("%(n)s elemen dalam enam domain; %(c)s berkode referensi nasional.")
        % {"n": total, "c": coded},
        "figures": figures,
        "url": "/spbe/arsitektur/",
    }


def roadmap(*, actor, year: int) -> dict:
    from kendali.spbe.models import RoadmapVersion

    version = RoadmapVersion.objects.order_by("-number").first()
    if version is None:
        return {
            "title": _("Peta rencana SPBE"),
            "summary": _("Belum ada peta rencana."),
            "figures": {},
            "url": "/spbe/peta-rencana/",
        }
    items = list(version.initiatives.all())
    this_year = [i for i in items if i.start_year <= year <= i.end_year]
    return {
        "title": _("Peta rencana SPBE %(a)s–%(b)s (versi %(v)s)")
        % {"a": version.start_year, "b": version.end_year, "v": version.number},
        "summary": _("%(n)s inisiatif, %(t)s berjalan pada %(y)s.")
        % {"n": len(items), "t": len(this_year), "y": year},
        "figures": {
            _("Inisiatif"): len(items),
            _("Inisiatif tahun ini"): len(this_year),
            _("Rata-rata kemajuan (%)"): round(
                sum(i.progress for i in this_year) / len(this_year), 1
            )
            if this_year
            else None,
        },
        "url": "/spbe/peta-rencana/",
    }


def policies(*, actor, year: int) -> dict:
    from kendali.spbe.choices import PolicyStatus
    from kendali.spbe.models import Policy

    items = list(Policy.objects.all())
    enacted = [p for p in items if p.status == PolicyStatus.DITETAPKAN]
    return {
        "title": _("Kebijakan internal SPBE"),
        "summary": _("%(n)s dari 10 kebijakan internal telah ditetapkan.") % {"n": len(enacted)},
        "figures": {p.title: (p.instrument or p.get_status_display()) for p in items},
        "url": "/spbe/kebijakan/",
    }


register_evidence(
    EvidenceSource(
        "spbe.architecture",
        gettext_lazy("Katalog arsitektur SPBE"),
        "kendali.spbe.evidence.architecture",
        indicators=("11",),
    )
)
register_evidence(
    EvidenceSource(
        "spbe.roadmap",
        gettext_lazy("Peta rencana SPBE"),
        "kendali.spbe.evidence.roadmap",
        indicators=("12", "13"),
    )
)
register_evidence(
    EvidenceSource(
        "spbe.policies",
        gettext_lazy("Daftar periksa kebijakan internal SPBE"),
        "kendali.spbe.evidence.policies",
        indicators=tuple(str(n) for n in range(1, 11)),
    )
)
