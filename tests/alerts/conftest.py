from __future__ import annotations

import pytest

from kendali.alerts import services
from kendali.alerts.demo import flood_warning


@pytest.fixture
def flood_data(regions_loaded):
    return flood_warning


@pytest.fixture
def publish_flood(users, actor_of, regions_loaded):
    """Operator drafts, submits; supervisor approves. Returns the published Alert."""

    def make(**kwargs):
        alert = services.alert_draft_create(
            actor=actor_of("operator"), data=flood_warning(**kwargs)
        )
        services.alert_submit(actor=actor_of("operator"), alert=alert)
        return services.alert_approve(actor=actor_of("supervisor"), alert=alert)

    return make
