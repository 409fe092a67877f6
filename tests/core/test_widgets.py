"""The browser's date pickers get ISO values in every language (a localized value is dropped by
the browser, so a saved form would lose its times)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kendali.alerts.forms import AlertDraftForm
from kendali.core.forms import AuditFilterForm
from kendali.core.widgets import DateInput, DateTimeLocalInput

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize("language", ["id", "en"])
def test_datetime_local_renders_iso_in_every_language(language):
    with translation.override(language):
        html = DateTimeLocalInput().render("t", datetime(2026, 12, 2, 2, 56, 30))
    assert 'type="datetime-local"' in html
    assert 'value="2026-12-02T02:56"' in html


@pytest.mark.parametrize("language", ["id", "en"])
def test_date_renders_iso_in_every_language(language):
    with translation.override(language):
        html = DateInput().render("d", date(2026, 12, 2))
    assert 'type="date"' in html and 'value="2026-12-02"' in html


@pytest.mark.django_db
def test_warning_form_keeps_its_times_in_indonesian():
    with translation.override("id"):
        form = AlertDraftForm(initial={"effective": datetime(2026, 12, 2, 2, 56, tzinfo=WIB)})
        html = str(form["effective"])
        assert 'value="2026-12-02T02:56"' in html
        bound = AlertDraftForm(data={"expires": "2026-12-02T08:30", "status": "Actual"})
        bound.is_valid()
        assert bound.cleaned_data["expires"].astimezone(WIB) == datetime(
            2026, 12, 2, 8, 30, tzinfo=WIB
        )
        # the bound value is rendered back in the same ISO form after a failed save
        assert 'value="2026-12-02T08:30"' in str(bound["expires"])


def test_date_filter_round_trips_in_indonesian():
    with translation.override("id"):
        form = AuditFilterForm(data={"since": "2026-12-01"})
        assert form.is_valid(), form.errors
        assert 'value="2026-12-01"' in str(form["since"])
