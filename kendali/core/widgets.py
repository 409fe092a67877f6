"""Form widgets for the browser's own date and time pickers.

``<input type="date">`` and ``<input type="datetime-local">`` accept only the ISO forms
(``2026-12-02`` and ``2026-12-02T02:56``) whatever the page language is, while Django renders a
bound value in the active locale's first input format (``02-12-2026 02.56.00`` in Bahasa
Indonesia), which the browser silently drops. Every form of every module uses these widgets, so
the format lives here once. Parsing needs nothing extra: Django's date/time fields always accept
the ISO forms as well.
"""

from __future__ import annotations

from typing import Any

from django import forms

DATE_HTML_FORMAT = "%Y-%m-%d"
DATETIME_LOCAL_HTML_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A date picker (``type="date"``), rendered in ISO form in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATE_HTML_FORMAT)


class DateTimeLocalInput(forms.DateTimeInput):
    """A date-and-time picker (``type="datetime-local"``), in the server's time zone (WIB),
    rendered in ISO form in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_HTML_FORMAT)
