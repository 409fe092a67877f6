"""Park access points as regional assets (BMD): the assets module links each to a KIB B item
and shows its live state, reading it through the core registry."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import AssetSource, register_asset_source
from kendali.wifi.choices import ApStatus
from kendali.wifi.models import AccessPoint

PREFIX = "wifi.access_point"


def devices(*, actor: Actor):
    # Hotspots are city-wide infrastructure with no OPD of their own in this module; the
    # assets register says which OPD holds each one.
    for ap in AccessPoint.objects.select_related("park").order_by("pk"):
        yield {
            "ref": f"{PREFIX}:{ap.pk}",
            "name": f"{ap.name} ({ap.park.name})",
            "kind": "access_point",
            "serial": ap.mac,
            "agency_id": None,
            "lat": ap.park.lat,
            "lon": ap.park.lon,
            "model": ap.model,
        }


def states(*, refs: list[str]) -> dict:
    ids = {int(ref.split(":", 1)[1]): ref for ref in refs if ref.startswith(PREFIX + ":")}
    result = {}
    for ap in AccessPoint.objects.select_related("park").filter(pk__in=ids):
        online = None if ap.status == ApStatus.UNKNOWN else ap.status == ApStatus.ONLINE
        result[ids[ap.pk]] = {
            "online": online,
            "last_seen": ap.last_seen_at,
            "open_alarms": 0,
            "summary": _("Hotspot %(name)s di %(park)s: %(status)s")
            % {"name": ap.name, "park": ap.park.name, "status": ap.get_status_display()},
        }
    return result


register_asset_source(
    AssetSource(
        PREFIX,
        gettext_lazy("Titik akses Wi-Fi taman"),
        "kendali.wifi.asset_sources.devices",
        "kendali.wifi.asset_sources.states",
    )
)
