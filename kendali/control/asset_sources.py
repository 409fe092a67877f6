"""Wall screens as regional assets (BMD): the assets module links each to a KIB B item and
shows whether its page is up, reading it through the core registry."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.control.models import WallDisplay
from kendali.control.services import display_online
from kendali.core.actors import Actor
from kendali.core.registry import AssetSource, register_asset_source

PREFIX = "control.display"


def devices(*, actor: Actor):
    # The screens hang in the city's one control room; the register says which OPD holds them.
    for display in WallDisplay.objects.order_by("pk"):
        yield {
            "ref": f"{PREFIX}:{display.pk}",
            "name": display.name,
            "kind": "wall_display",
            "serial": display.code,
            "agency_id": None,
            "lat": None,
            "lon": None,
        }


def states(*, refs: list[str]) -> dict:
    ids = {int(ref.split(":", 1)[1]): ref for ref in refs if ref.startswith(PREFIX + ":")}
    now = timezone.now()
    result = {}
    for display in WallDisplay.objects.filter(pk__in=ids):
        online = display_online(display, now=now)
        if online is None:
            status = _("belum pernah tersambung")
        elif online:
            status = _("halaman dinding tersambung")
        else:
            status = _("tidak terlihat lebih dari %(n)d menit") % {
                "n": settings.WALL_OFFLINE_MINUTES
            }
        result[ids[display.pk]] = {
            "online": online,
            "last_seen": display.last_seen_at,
            "open_alarms": 0,
            "summary": _("Layar %(name)s (%(code)s): %(status)s")
            % {"name": display.name, "code": display.code, "status": status},
        }
    return result


register_asset_source(
    AssetSource(
        PREFIX,
        gettext_lazy("Layar dinding ruang kendali"),
        "kendali.control.asset_sources.devices",
        "kendali.control.asset_sources.states",
    )
)
