"""How numbers and durations read in the interface: one place, used by templates (the
``kendali_format`` filters), exports and tiles alike."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _


def duration_text(seconds: float | int | None) -> str:
    """``45 dtk``, ``2 mnt 10 dtk``, ``1 jam 5 mnt``, ``4 jam`` (never ``14400 dtk``)."""
    if seconds is None:
        return "—"
    s = max(0, int(round(float(seconds))))
    hours, rest = divmod(s, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return (
            _("%(h)d jam %(m)d mnt") % {"h": hours, "m": minutes}
            if minutes
            else _("%(h)d jam") % {"h": hours}
        )
    if minutes:
        return (
            _("%(m)d mnt %(s)d dtk") % {"m": minutes, "s": secs}
            if secs
            else _("%(m)d mnt") % {"m": minutes}
        )
    return _("%(s)d dtk") % {"s": secs}


def number_text(value: float | int | None, decimals: int = 1) -> str:
    """A number in the active language: ``14,5`` in Bahasa Indonesia, ``14.5`` in English."""
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return formats.number_format(int(value), use_l10n=True, force_grouping=True)
    return formats.number_format(round(float(value), decimals), decimals, use_l10n=True)


class Percent(float):
    """A share in percent (``14.5``): a real number in a spreadsheet (shown ``14.5%``), text
    ``14,5 %`` in CSV, PDF and pages."""

    def __str__(self) -> str:
        return f"{number_text(float(self), 1)} %"

    __repr__ = __str__


class Minutes(float):
    """A duration in seconds shown as ``m:ss``; a real duration in a spreadsheet."""

    def __str__(self) -> str:
        s = int(round(float(self)))
        return f"{s // 60}:{s % 60:02d}"

    __repr__ = __str__


def xlsx_row(sheet, row: list) -> None:
    """Append ``row`` to an openpyxl sheet with numbers as numbers: percentages as fractions
    with a percent format, durations as spreadsheet times (``[m]:ss``)."""
    sheet.append(
        [
            float(v) / 100
            if isinstance(v, Percent)
            else float(v) / 86400
            if isinstance(v, Minutes)
            else v
            for v in row
        ]
    )
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, Percent):
            cell.number_format = "0.0%"
        elif isinstance(value, Minutes):
            cell.number_format = "[m]:ss"
