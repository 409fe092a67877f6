"""What reports gives other modules through the registry: the on-time figure, SPBE
evidence, an open data set without personal data, and catalogue entries."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.registry import (
    datasets,
    evidence_sources,
    get_dataset,
    get_figure,
    run_selector,
    system_components,
)
from kendali.reports import services

WIB = ZoneInfo("Asia/Jakarta")
pytestmark = pytest.mark.django_db


def test_on_time_figure_counts_late_and_on_time(make_report, actor_of):
    figure = get_figure("reports.resolved_within_deadline")
    assert figure is not None and figure.unit == "%"
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=WIB), tick=False):
        on_time = make_report("kebakaran", description="Asap")
        late = make_report("kebakaran", description="Asap lagi")
        waiting = make_report("kebakaran", description="Baru")
        services.report_verify(actor=actor_of("officer"), report=on_time)
        services.report_verify(actor=actor_of("officer"), report=late)
        services.report_followup(
            actor=actor_of("officer"), report=on_time, status="fixed", note="ok"
        )
    with time_machine.travel(datetime(2026, 6, 3, 9, tzinfo=WIB), tick=False):
        empty = run_selector(
            figure.selector, actor=Actor.system("t"), start=date(2026, 6, 1), end=date(2026, 7, 1)
        )
        assert empty["value"] == 100.0  # the others are still inside their deadlines
    with time_machine.travel(datetime(2026, 6, 20, 9, tzinfo=WIB), tick=False):
        services.report_followup(
            actor=actor_of("officer"), report=late, status="fixed", note="telat"
        )
        result = run_selector(
            figure.selector,
            actor=Actor.system("t"),
            start=date(2026, 6, 1),
            end=date(2026, 7, 1),
            by_kecamatan=True,
        )
    # on time 1, late 1, waiting (never followed up, past due) 1 → 33.3 %
    assert result["value"] == 33.3 and result["by_kecamatan"] == {"36.73.01": 33.3}
    assert waiting.pk
    none = run_selector(
        figure.selector, actor=Actor.system("t"), start=date(2025, 1, 1), end=date(2025, 2, 1)
    )
    assert none["value"] is None and none["reason"]


def test_evidence_dataset_and_components(make_report):
    make_report(reporter_name="Rahasia", phone="081234567890")
    assert "reports.complaints_service" in [e.key for e in evidence_sources()]
    evidence = run_selector(
        "kendali.reports.evidence.complaints_service",
        actor=Actor.system("t"),
        year=timezone.localdate().year,
    )
    assert evidence["figures"]["Laporan diterima"] == 1
    dataset = get_dataset("reports.daily_by_kecamatan")
    assert dataset in datasets()
    rows = list(run_selector(dataset.rows, start=date(2000, 1, 1), end=date(2100, 1, 1)))
    assert rows and set(rows[0]) == set(dataset.columns)
    assert "Rahasia" not in str(rows) and "0812" not in str(rows)
    keys = {c.key for c in system_components()}
    assert {"reports.app", "reports.public_service", "portal.public_service"} <= keys
