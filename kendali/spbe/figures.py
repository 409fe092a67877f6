"""The SPBE index as a live figure for the smart-city indicators."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.registry import LiveFigure, register_figure


def spbe_index(*, actor, start: date, end: date, by_kecamatan: bool = False) -> dict:
    """The latest locked (accepted) evaluation whose year falls before ``end``."""
    from kendali.spbe.choices import EvaluationStatus
    from kendali.spbe.models import Evaluation

    last_year = (end.year - 1) if (end.month, end.day) == (1, 1) else end.year
    found = (
        Evaluation.objects.filter(status=EvaluationStatus.TERKUNCI, year__lte=last_year)
        .select_related("framework")
        .order_by("-year", "-locked_at")
        .first()
    )
    if found is None or found.index_value is None:
        return {
            "value": None,
            "unit": "indeks",
            "reason": _("Belum ada evaluasi SPBE yang dikunci."),
            "by_kecamatan": {},
        }
    return {
        "value": round(found.index_value, 2),
        "unit": "indeks",
        "reason": _("%(f)s tahun %(y)s, predikat %(p)s")
        % {"f": found.framework.name, "y": found.year, "p": found.predicate},
        "by_kecamatan": {},
    }


register_figure(
    LiveFigure(
        "spbe.index",
        gettext_lazy("Indeks SPBE (evaluasi terkunci terakhir)"),
        "indeks",
        "kendali.spbe.figures.spbe_index",
    )
)
