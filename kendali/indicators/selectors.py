"""Reads of the smart-city indicators for pages, the API, the wall and other modules: five
years of each indicator against its target (live figures from the yearly snapshots, entered
figures once approved), the figures waiting for approval in the actor's OPD, targets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.models import Agency
from kendali.core.registry import figures as registered_figures
from kendali.core.scope import scope_queryset, sees_every_agency
from kendali.indicators.catalogue import Component, Indicator, catalogue
from kendali.indicators.choices import FigureStatus, SourceKind, Standing
from kendali.indicators.models import EnteredFigure, FigureSnapshot, Target

VIEW = "indicators.view_indicators"
YEARS = 5


@dataclass
class Point:
    year: int
    value: float | None
    reason: str = ""
    target: float | None = None
    pending: bool = False  # an entered figure waits for approval (internal views only)


@dataclass
class IndicatorRow:
    indicator: Indicator
    points: list[Point]
    initiatives: list[str] = field(default_factory=list)
    by_kecamatan: dict[str, float] = field(default_factory=dict)
    registered: bool = True  # live: whether its source key is registered here

    @property
    def latest(self) -> Point | None:
        for point in reversed(self.points):
            if point.value is not None:
                return point
        return None

    @property
    def current(self) -> Point:
        return self.points[-1]

    @property
    def standing(self) -> str:
        point = self.latest
        if point is None or point.value is None:
            return Standing.NO_DATA
        if point.target is None:
            return Standing.NO_TARGET
        ok = (
            point.value >= point.target
            if self.indicator.higher_is_better
            else point.value <= point.target
        )
        return Standing.MET if ok else Standing.NOT_MET

    @property
    def reason(self) -> str:
        """Why there is no value (shown in place of a number)."""
        return self.current.reason if self.latest is None else ""


def require_view(actor: Actor | None) -> None:
    if actor is None or not (actor.has_perm(VIEW) or actor.has_scope("integration")):
        raise NotAllowed(_("Anda tidak berhak melihat indikator kota cerdas."))


def years_window(today: date | None = None, years: int = YEARS) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year - years + 1, today.year + 1))


def indicator_rows(
    *,
    indicators: list[Indicator],
    years: list[int],
    public: bool,
) -> list[IndicatorRow]:
    """Five years of each indicator in three queries (snapshots, figures, targets): the
    overview's whole cost. ``public`` leaves out figures still waiting for approval."""
    live_keys = {i.figure for i in indicators if i.is_live}
    entered_codes = [i.code for i in indicators if not i.is_live]
    codes = [i.code for i in indicators]
    snaps: dict[tuple[str, int], tuple] = {
        (key, year): (value, reason, by_kecamatan)
        for key, year, value, reason, by_kecamatan in FigureSnapshot.objects.filter(
            figure_key__in=live_keys, year__in=years
        ).values_list("figure_key", "year", "value", "reason", "by_kecamatan")
    }
    approved: dict[tuple[str, int], float] = {}
    waiting: set[tuple[str, int]] = set()
    value: float | None
    for code, year, value, status in EnteredFigure.objects.filter(
        indicator_code__in=entered_codes,
        year__in=years,
        status__in=[FigureStatus.APPROVED, FigureStatus.SUBMITTED],
    ).values_list("indicator_code", "year", "value", "status"):
        if status == FigureStatus.APPROVED:
            approved[(code, year)] = value
        else:
            waiting.add((code, year))
    targets: dict[tuple[str, int], tuple[float, list]] = {
        (code, year): (value, initiatives)
        for code, year, value, initiatives in Target.objects.filter(
            indicator_code__in=codes, year__in=years
        ).values_list("indicator_code", "year", "value", "initiatives")
    }
    registered = {f.key for f in registered_figures()}
    rows = []
    for indicator in indicators:
        points = []
        kecamatan: dict[str, float] = {}
        for year in years:
            target = targets.get((indicator.code, year))
            target_value = target[0] if target else None
            if indicator.is_live:
                snap = snaps.get((indicator.figure, year))
                if indicator.figure not in registered:
                    reason = _("Sumber angka %(key)s belum terpasang di Kendali ini.") % {
                        "key": indicator.figure
                    }
                    value = None
                elif snap is None:
                    value, reason = None, _("Belum dihitung.")
                else:
                    value, reason, by_kecamatan = snap
                    if by_kecamatan and value is not None:
                        kecamatan = by_kecamatan
                points.append(Point(year, value, reason, target_value))
            else:
                value = approved.get((indicator.code, year))
                pending = (indicator.code, year) in waiting
                reason = ""
                if value is None:
                    reason = (
                        _("Angka sudah diisi OPD dan menunggu persetujuan.")
                        if pending
                        else _("Belum ada angka yang disetujui untuk tahun ini.")
                    )
                points.append(Point(year, value, reason, target_value, pending and not public))
        current_target = targets.get((indicator.code, years[-1]))
        rows.append(
            IndicatorRow(
                indicator=indicator,
                points=points,
                initiatives=list(current_target[1]) if current_target else [],
                by_kecamatan=kecamatan,
                registered=not indicator.is_live or indicator.figure in registered,
            )
        )
    return rows


def overview(*, actor: Actor | None, public: bool = False, today: date | None = None) -> dict:
    """Every component with its indicators over five years (the mayor's one screen)."""
    if not public:
        require_view(actor)
    cat = catalogue()
    years = years_window(today)
    rows = indicator_rows(indicators=list(cat.indicators), years=years, public=public)
    by_component: dict[str, list[IndicatorRow]] = {}
    for row in rows:
        by_component.setdefault(row.indicator.component, []).append(row)
    components = []
    for component in cat.components:
        items = by_component.get(component.code, [])
        components.append(
            {
                "component": component,
                "rows": items,
                "live": sum(1 for r in items if r.indicator.is_live),
                "met": sum(1 for r in items if r.standing == Standing.MET),
                "with_target": sum(
                    1 for r in items if r.standing in (Standing.MET, Standing.NOT_MET)
                ),
            }
        )
    used = {i.figure for i in cat.indicators if i.is_live}
    extra = [f for f in registered_figures() if f.key not in used]
    waiting = 0
    if not public and actor is not None:
        waiting = figures_waiting(actor=actor).count()
    return {"years": years, "components": components, "extra_figures": extra, "waiting": waiting}


def data_version() -> str:
    """Changes whenever a snapshot, an entered figure or a target changes: the overview's
    rendered grid is cached under it (three aggregate queries instead of building the rows)."""
    snaps = FigureSnapshot.objects.aggregate(
        at=Max("computed_at"), n=Count("pk"), total=Sum("value")
    )
    figures = EnteredFigure.objects.aggregate(
        n=Count("pk"),
        approved=Count("pk", filter=Q(status=FigureStatus.APPROVED)),
        entered=Max("entered_at"),
        reviewed=Max("reviewed_at"),
    )
    targets = Target.objects.aggregate(n=Count("pk"), at=Max("updated_at"), total=Sum("value"))
    raw = "|".join(
        str(v)
        for v in (
            *snaps.values(),
            *figures.values(),
            *targets.values(),
            timezone.localdate().year,
        )
    )
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def component_detail(
    *, actor: Actor | None, code: str, public: bool = False, today: date | None = None
) -> dict:
    if not public:
        require_view(actor)
    cat = catalogue()
    component = cat.component(code)
    if component is None:
        raise NotFound(_("Komponen tidak dikenal."))
    years = years_window(today)
    rows = indicator_rows(indicators=cat.of_component(code), years=years, public=public)
    return {"component": component, "years": years, "rows": rows}


def opd_names(*, codes: set[str]) -> dict[str, str]:
    """Agency code → short name, for the OPDs that enter figures (public: names only)."""
    return {
        code: short or code
        for code, short in Agency.objects.filter(code__in=codes - {""}).values_list(
            "code", "short_name"
        )
    }


def components() -> list[Component]:
    return list(catalogue().components)


def figures_visible(*, actor: Actor) -> QuerySet[EnteredFigure]:
    """Entered figures of the OPDs the actor may see."""
    require_view(actor)
    return scope_queryset(
        EnteredFigure.objects.select_related("agency", "entered_by", "reviewed_by"),
        actor,
        "agency",
    )


def figures_waiting(*, actor: Actor) -> QuerySet[EnteredFigure]:
    return figures_visible(actor=actor).filter(status=FigureStatus.SUBMITTED)


def figure_for(*, actor: Actor, figure_id: int) -> EnteredFigure:
    figure = figures_visible(actor=actor).filter(pk=figure_id).first()
    if figure is None:
        raise NotFound(_("Angka indikator tidak ditemukan."))
    return figure


def enterable_indicators(*, actor: Actor) -> list[Indicator]:
    """Entered indicators this actor may fill in: those of their own OPD (everything for
    people who see every OPD)."""
    entered = [i for i in catalogue().indicators if i.source == SourceKind.ENTERED]
    if sees_every_agency(actor):
        return entered
    agency = actor.user.agency if actor.user is not None else None
    return [i for i in entered if agency is not None and i.opd == agency.code]


def targets_list(*, actor: Actor) -> QuerySet[Target]:
    require_view(actor)
    return Target.objects.select_related("set_by")


def targets_for_initiative(*, code: str) -> list[dict]:
    """The indicators an SPBE peta rencana initiative is expected to move (for the spbe
    module through a dotted path: plain data, no import of this app needed)."""
    cat = catalogue()
    out = []
    for target in Target.objects.order_by("indicator_code", "year"):
        if code in target.initiatives:
            indicator = cat.indicator(target.indicator_code)
            out.append(
                {
                    "indicator": target.indicator_code,
                    "name": indicator.name if indicator else target.indicator_code,
                    "year": target.year,
                    "target": target.value,
                    "unit": indicator.unit if indicator else "",
                }
            )
    return out


def indicators_tile(*, actor: Actor) -> dict:
    """The wall tile: how many indicators with a target meet it this year, per component."""
    data = overview(actor=None, public=True)
    met = sum(c["met"] for c in data["components"])
    counted = sum(c["with_target"] for c in data["components"])
    live_now = sum(
        1
        for c in data["components"]
        for r in c["rows"]
        if r.indicator.is_live and r.current.value is not None
    )
    detail = {
        c["component"].name.replace(" cerdas", ""): f"{c['met']}/{c['with_target']}"
        for c in data["components"]
        if c["with_target"]
    }
    return {
        "value": f"{met}/{counted}" if counted else "—",
        "unit": _("tercapai"),  # short: the wall shows it beside the big "11/21"
        "detail": detail or _("%(n)s indikator langsung berdata") % {"n": live_now},
        "level": "ok" if counted and met * 2 >= counted else ("warn" if counted else ""),
    }
