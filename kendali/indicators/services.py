"""Writes of the smart-city indicators: an OPD enters a figure, a second person approves or
refuses it; targets per year; the yearly snapshots of live figures (a job); the download
counter of the open-data catalogue."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency
from kendali.core.registry import get_figure, run_selector
from kendali.core.scope import may_see_agency, sees_every_agency
from kendali.indicators.catalogue import Indicator, catalogue
from kendali.indicators.choices import FigureStatus
from kendali.indicators.models import DatasetDownload, EnteredFigure, FigureSnapshot, Target

logger = logging.getLogger(__name__)

ENTER = "indicators.enter_figure"
APPROVE = "indicators.approve_figure"
MANAGE_TARGET = "indicators.manage_target"
FIGURE_AUDITED = ("indicator_code", "year", "value", "unit", "agency", "status", "evidence")
TARGET_AUDITED = ("indicator_code", "year", "value", "initiatives", "note")
# SPBE peta rencana initiative codes are short identifiers ("PR-2026-03", "I.4.2").
INITIATIVE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
FIRST_YEAR, LAST_YEAR = 2018, 2100  # the grand design runs from 2018


def _indicator(code: str) -> Indicator:
    indicator = catalogue().indicator(code)
    if indicator is None:
        raise NotFound(_("Indikator %(code)s tidak dikenal.") % {"code": code})
    return indicator


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Invalid(
            _("Tahun harus antara %(first)s dan tahun berjalan.") % {"first": FIRST_YEAR},
            errors={"year": _("Tahun di luar rentang.")},
        )


def _agency_for(actor: Actor, indicator: Indicator, agency: Agency | None) -> Agency:
    """The OPD the figure belongs to: an OPD officer's own (and it must be the indicator's
    OPD); people who see every OPD name it or get the indicator's."""
    if not sees_every_agency(actor):
        own = Agency.objects.filter(pk=actor.agency_id).first() if actor.agency_id else None
        if own is None or (agency is not None and agency.pk != own.pk):
            raise NotAllowed(_("Anda hanya dapat mengisi angka untuk OPD Anda sendiri."))
        if own.code != indicator.opd:
            raise NotAllowed(
                _("Indikator %(code)s diisi oleh OPD %(opd)s, bukan %(own)s.")
                % {"code": indicator.code, "opd": indicator.opd, "own": own.short_name or own.code}
            )
        return own
    if agency is None:
        agency = Agency.objects.filter(code=indicator.opd).first()
    if agency is None:
        raise Invalid(
            _("OPD %(opd)s untuk indikator ini belum terdaftar; pilih OPD-nya.")
            % {"opd": indicator.opd},
            errors={"agency": _("OPD belum dipilih.")},
        )
    return agency


@transaction.atomic
def figure_enter(
    *,
    actor: Actor,
    indicator_code: str,
    year: int,
    value: float,
    unit: str,
    evidence: str,
    evidence_url: str = "",
    note: str = "",
    agency: Agency | None = None,
) -> EnteredFigure:
    """An OPD officer enters the figure of an entered indicator for a year, with evidence.
    Refused (nothing written): wrong unit, value outside the plausible range, a year already
    approved or already waiting for approval, another OPD's indicator."""
    if not actor.has_perm(ENTER) or actor.user is None:
        # A person answers for the figure (and a different person approves it).
        raise NotAllowed(_("Anda tidak berhak mengisi angka indikator."))
    indicator = _indicator(indicator_code)
    if indicator.is_live:
        raise Invalid(
            _("Indikator %(code)s dihitung langsung oleh Kendali; angkanya tidak diisi manual.")
            % {"code": indicator.code}
        )
    _check_year(year)
    errors = {}
    if (unit or "").strip() != indicator.unit:
        errors["unit"] = _("Satuan indikator ini adalah “%(unit)s”, bukan “%(given)s”.") % {
            "unit": indicator.unit,
            "given": (unit or "").strip(),
        }
    if value is None or not math.isfinite(value) or not indicator.plausible(value):
        errors["value"] = _("Nilai harus antara %(low)s dan %(high)s %(unit)s.") % {
            "low": f"{indicator.minimum:g}",
            "high": f"{indicator.maximum:g}",
            "unit": indicator.unit,
        }
    if not (evidence or "").strip():
        errors["evidence"] = _("Sebutkan bukti dukung (dokumen sumber angka ini).")
    if errors:
        raise Invalid(_("Angka indikator tidak dapat disimpan."), errors=errors)
    owner = _agency_for(actor, indicator, agency)
    existing = (
        EnteredFigure.objects.select_for_update()
        .filter(
            indicator_code=indicator.code,
            year=year,
            status__in=[FigureStatus.APPROVED, FigureStatus.SUBMITTED],
        )
        .first()
    )
    if existing is not None:
        if existing.status == FigureStatus.APPROVED:
            raise Conflict(
                _(
                    "Angka %(code)s tahun %(year)s sudah disetujui; periode ini tidak dapat diisi lagi."
                )
                % {"code": indicator.code, "year": year}
            )
        raise Conflict(
            _("Angka %(code)s tahun %(year)s sudah diajukan dan menunggu persetujuan.")
            % {"code": indicator.code, "year": year}
        )
    try:
        # Race: two officers entering the same year at once; the partial unique index
        # lets one through and the other is told the year is taken.
        with transaction.atomic():
            figure = EnteredFigure.objects.create(
                indicator_code=indicator.code,
                year=year,
                value=float(value),
                unit=indicator.unit,
                agency=owner,
                evidence=evidence.strip(),
                evidence_url=evidence_url.strip(),
                note=note.strip(),
                entered_by=actor.user,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Angka %(code)s tahun %(year)s baru saja diajukan orang lain.")
            % {"code": indicator.code, "year": year}
        ) from exc
    audit_record(
        actor=actor,
        action="indicator_figure.enter",
        obj=figure,
        changes=diff({}, snapshot(figure, FIGURE_AUDITED)),
    )
    publish(
        "indicators.figure.entered",
        {
            "id": figure.pk,
            "indicator": figure.indicator_code,
            "year": year,
            "summary": _("Angka %(code)s tahun %(year)s diisi, menunggu persetujuan")
            % {"code": figure.indicator_code, "year": year},
        },
        perm=APPROVE,
        agency_ids=[owner.pk],
    )
    return figure


def _review(actor: Actor, figure_id: int, note: str) -> EnteredFigure:
    if not actor.has_perm(APPROVE):
        raise NotAllowed(_("Anda tidak berhak menyetujui angka indikator."))
    # Race: two colleagues reviewing the same figure; the row lock lets one decide.
    figure = EnteredFigure.objects.select_for_update().filter(pk=figure_id).first()
    if figure is None or not may_see_agency(actor, figure.agency_id):
        raise NotFound(_("Angka indikator tidak ditemukan."))
    if actor.user is None or figure.entered_by_id == actor.user.pk:
        raise NotAllowed(
            _("Angka ini Anda isi sendiri; persetujuan harus oleh orang lain (empat mata).")
        )
    if figure.status != FigureStatus.SUBMITTED:
        raise Conflict(_("Angka ini tidak sedang menunggu persetujuan."))
    return figure


@transaction.atomic
def figure_approve(*, actor: Actor, figure_id: int, note: str = "") -> EnteredFigure:
    figure = _review(actor, figure_id, note)
    before = snapshot(figure, FIGURE_AUDITED)
    figure.status = FigureStatus.APPROVED
    figure.reviewed_by = actor.user
    figure.reviewed_at = timezone.now()
    figure.review_note = note.strip()
    figure.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action="indicator_figure.approve",
        obj=figure,
        changes=diff(before, snapshot(figure, FIGURE_AUDITED)),
        note=note.strip(),
    )
    publish(
        "indicators.figure.approved",
        {
            "id": figure.pk,
            "indicator": figure.indicator_code,
            "year": figure.year,
            "summary": _("Angka %(code)s tahun %(year)s disetujui")
            % {"code": figure.indicator_code, "year": figure.year},
        },
    )
    return figure


@transaction.atomic
def figure_reject(*, actor: Actor, figure_id: int, note: str) -> EnteredFigure:
    if not (note or "").strip():
        raise Invalid(
            _("Tuliskan alasan penolakan agar OPD dapat memperbaikinya."),
            errors={"note": _("Alasan wajib diisi.")},
        )
    figure = _review(actor, figure_id, note)
    before = snapshot(figure, FIGURE_AUDITED)
    figure.status = FigureStatus.REJECTED
    figure.reviewed_by = actor.user
    figure.reviewed_at = timezone.now()
    figure.review_note = note.strip()
    figure.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action="indicator_figure.reject",
        obj=figure,
        changes=diff(before, snapshot(figure, FIGURE_AUDITED)),
        note=note.strip(),
    )
    publish(
        "indicators.figure.rejected",
        {
            "id": figure.pk,
            "indicator": figure.indicator_code,
            "year": figure.year,
            "summary": _("Angka %(code)s tahun %(year)s ditolak")
            % {"code": figure.indicator_code, "year": figure.year},
        },
        agency_ids=[figure.agency_id],
    )
    return figure


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    indicator_code: str,
    year: int,
    value: float,
    initiatives: Iterable[str] = (),
    note: str = "",
) -> Target:
    """Set (or change) an indicator's target for a year, linked to SPBE peta rencana
    initiatives by their codes."""
    if not actor.has_perm(MANAGE_TARGET):
        raise NotAllowed(_("Anda tidak berhak menetapkan target indikator."))
    indicator = _indicator(indicator_code)
    errors = {}
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("Tahun target harus antara %(a)s dan %(b)s.") % {
            "a": FIRST_YEAR,
            "b": LAST_YEAR,
        }
    if value is None or not math.isfinite(value) or not indicator.plausible(value):
        errors["value"] = _("Target harus antara %(low)s dan %(high)s %(unit)s.") % {
            "low": f"{indicator.minimum:g}",
            "high": f"{indicator.maximum:g}",
            "unit": indicator.unit,
        }
    codes = []
    for raw in initiatives:
        code = (raw or "").strip()
        if not code:
            continue
        if not INITIATIVE_CODE.match(code):
            errors["initiatives"] = _("Kode inisiatif “%(code)s” tidak valid.") % {
                "code": code[:40]
            }
            break
        if code not in codes:
            codes.append(code)
    if errors:
        raise Invalid(_("Target tidak dapat disimpan."), errors=errors)
    target = (
        Target.objects.select_for_update().filter(indicator_code=indicator.code, year=year).first()
    )
    before = snapshot(target, TARGET_AUDITED) if target else {}
    if target is None:
        target = Target(indicator_code=indicator.code, year=year)
    target.value = float(value)
    target.initiatives = codes
    target.note = note.strip()[:300]
    target.set_by = actor.user
    target.save()
    audit_record(
        actor=actor,
        action="indicator_target.set",
        obj=target,
        changes=diff(before, snapshot(target, TARGET_AUDITED)),
    )
    publish(
        "indicators.target.set",
        {
            "indicator": target.indicator_code,
            "year": year,
            "summary": _("Target %(code)s tahun %(year)s ditetapkan")
            % {"code": target.indicator_code, "year": year},
        },
    )
    return target


def figure_compute(*, actor: Actor, key: str, start: date, end: date, by_kecamatan: bool) -> dict:
    """Run a registered live figure; "no data" with the reason when it is not registered or
    fails, never a made-up zero."""
    figure = get_figure(key)
    if figure is None:
        return {
            "value": None,
            "unit": "",
            "reason": _("Sumber angka %(key)s belum terpasang di Kendali ini.") % {"key": key},
            "by_kecamatan": {},
        }
    try:
        result = run_selector(
            figure.selector, actor=actor, start=start, end=end, by_kecamatan=by_kecamatan
        )
        value = result.get("value")
        if value is not None and not math.isfinite(float(value)):
            raise ValueError(f"{key} gave {value!r}")
        return {
            "value": None if value is None else float(value),
            "unit": str(result.get("unit") or figure.unit),
            "reason": str(result.get("reason") or ""),
            "by_kecamatan": {
                str(k): float(v) for k, v in (result.get("by_kecamatan") or {}).items()
            },
        }
    except Exception as exc:  # a failing source must not take the overview down
        logger.exception("live figure %s failed", key)
        return {
            "value": None,
            "unit": figure.unit,
            "reason": _("Sumber angka %(key)s gagal dihitung: %(error)s")
            % {"key": key, "error": type(exc).__name__},
            "by_kecamatan": {},
        }


def snapshot_refresh(*, actor: Actor, years: Iterable[int] | None = None, now=None) -> int:
    """Recompute the yearly snapshots of every live figure the catalogue uses (job
    ``indicators.snapshot``): the current and the previous year every run, older years when
    missing. Derived data, so not audited (the job's state records each run)."""
    if not actor.is_system and not actor.has_perm(MANAGE_TARGET):
        raise NotAllowed(_("Anda tidak berhak menghitung ulang indikator."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    keys = sorted({i.figure for i in catalogue().indicators if i.is_live})
    if years is None:
        have = set(FigureSnapshot.objects.values_list("figure_key", "year"))
        wanted = []
        for year in range(today.year - 4, today.year + 1):
            for key in keys:
                if year >= today.year - 1 or (key, year) not in have:
                    wanted.append((key, year))
    else:
        wanted = [(key, year) for year in years for key in keys]
    written = 0
    for key, year in wanted:
        start = date(year, 1, 1)
        end = min(date(year + 1, 1, 1), date.fromordinal(today.toordinal() + 1))
        result = figure_compute(actor=actor, key=key, start=start, end=end, by_kecamatan=True)
        FigureSnapshot.objects.update_or_create(
            figure_key=key,
            year=year,
            defaults={
                "value": result["value"],
                "unit": result["unit"],
                "reason": result["reason"][:300],
                "by_kecamatan": result["by_kecamatan"],
                "computed_at": now,
            },
        )
        written += 1
    if written:
        # Housekeeping: refreshes the wall's tile, but is no city event for the ticker.
        publish("indicators.snapshot", {"count": written, "quiet": True})
    return written


def snapshot_job() -> int:
    return snapshot_refresh(actor=Actor.system("indikator kota cerdas"))


def download_count(*, dataset_key: str, fmt: str) -> None:
    """Count one download (a statistic of the catalogue, anonymous: not an audited change)."""
    day = timezone.localdate()
    updated = DatasetDownload.objects.filter(dataset_key=dataset_key, day=day, format=fmt).update(
        count=F("count") + 1
    )
    if not updated:
        try:
            with transaction.atomic():
                DatasetDownload.objects.create(
                    dataset_key=dataset_key, day=day, format=fmt, count=1
                )
        except IntegrityError:
            # Race: the first two downloads of the day; the second adds to the first's row.
            DatasetDownload.objects.filter(dataset_key=dataset_key, day=day, format=fmt).update(
                count=F("count") + 1
            )
