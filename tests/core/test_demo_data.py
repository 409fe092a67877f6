"""`make demo` keeps its database in var/: the whole demo load must run again on it, the same
day or a day later, without an error and with a public warning in force afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_demo_data_loads_twice_and_a_day_later_still_shows_a_current_warning(time_machine):
    from kendali.alerts import selectors as alert_selectors
    from kendali.alerts.models import Alert
    from kendali.wifi.models import AccessPoint, QuotaGroup

    start = timezone.now()
    call_command("kendali_demo_data")
    from kendali.core.models import User

    # The printed administrator opens /admin/ (the guides send administrators there).
    assert User.objects.get(username="admin").is_staff
    assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()
    # The SPBE peta rencana and the smart-city targets name each other: every indicator an
    # initiative names is in the catalogue, and the targets naming an initiative are found.
    from kendali.indicators.catalogue import catalogue
    from kendali.indicators.selectors import targets_for_initiative
    from kendali.spbe.models import Initiative

    codes = {i.code for i in catalogue().indicators}
    for initiative in Initiative.objects.exclude(indicator_codes=[]):
        assert set(initiative.indicator_codes) <= codes, initiative.code
    moved = {t["indicator"] for t in targets_for_initiative(code="PR.02")}
    assert {"TEC-01", "TEC-03"} <= moved
    first = list(alert_selectors.active_alerts().values_list("pk", flat=True))
    counts = (QuotaGroup.objects.count(), AccessPoint.objects.count(), Alert.objects.count())

    call_command("kendali_demo_data")  # the same day: nothing doubles
    assert list(alert_selectors.active_alerts().values_list("pk", flat=True)) == first
    assert (QuotaGroup.objects.count(), AccessPoint.objects.count(), Alert.objects.count()) == (
        counts
    )

    # A day later the demo flood warning (12 h) has expired: the run archives it and
    # publishes a current one through the services (drafted, submitted, approved).
    time_machine.move_to(start + timedelta(days=1))
    call_command("kendali_demo_data")
    active = list(alert_selectors.active_alerts())
    assert len(active) == 1 and active[0].pk not in first
    assert active[0].event == "Banjir" and active[0].approver.username == "supervisor"
    assert Alert.objects.filter(pk__in=first, state="expired").count() == len(first)
    assert alert_selectors.active_alerts_for_kelurahan("36.73.02.1001") == active
