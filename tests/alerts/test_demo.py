from __future__ import annotations

from kendali.alerts import selectors
from kendali.alerts.choices import AlertState
from kendali.alerts.models import Alert
from kendali.core.actors import Actor


def test_demo_seed_has_a_published_and_an_expired_alert(db, regions_loaded):
    from kendali.alerts.demo import seed
    from kendali.core.demo import seed_core
    from kendali.core.roles import sync_roles

    sync_roles()
    seed_core(actor=Actor.system("demo"))
    seed(actor=Actor.system("demo"))
    seed(actor=Actor.system("demo"))  # idempotent

    active = list(selectors.active_alerts())
    assert len(active) == 1
    flood = active[0]
    assert flood.event == "Banjir"
    assert flood.author.username == "operator" and flood.approver.username == "supervisor"
    assert {a.region.parent_id for a in flood.areas.all()} == {"36.73.02"}
    archived = list(selectors.archive_alerts())
    assert len(archived) == 1 and archived[0].state == AlertState.EXPIRED
    assert Alert.objects.count() == 2
    assert selectors.active_alerts_for_kelurahan("36.73.02.1001") == [flood]
