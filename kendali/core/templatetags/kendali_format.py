"""Template filters for durations and numbers: ``{{ t.target|durasi }}``, ``{{ x|angka }}``."""

from __future__ import annotations

from django import template

from kendali.core.formatting import duration_text, number_text

register = template.Library()


@register.filter
def durasi(seconds):
    return duration_text(seconds)


@register.filter
def angka(value, decimals=1):
    try:
        return number_text(value, int(decimals))
    except (TypeError, ValueError):
        return value
