"""Field sensors as regional assets (BMD): read by the assets module through the registry."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import AssetSource, register_asset_source
from kendali.sensors.choices import AlarmStatus, DeviceKind, DeviceStatus
from kendali.sensors.models import Device

PREFIX = "sensors.device"


def devices(*, actor: Actor):
    for device in Device.objects.order_by("pk"):
        yield {
            "ref": f"{PREFIX}:{device.pk}",
            "name": device.name,
            "kind": device.kind,
            "serial": device.code,
            "agency_id": device.agency_id,
            "lat": device.lat,
            "lon": device.lon,
        }


def states(*, refs: list[str]) -> dict:
    ids = {int(ref.split(":", 1)[1]): ref for ref in refs if ref.startswith(PREFIX + ":")}
    rows = Device.objects.filter(pk__in=ids).annotate(
        open_alarms=Count("alarms", filter=~Q(alarms__status=AlarmStatus.CLEARED))
    )
    result = {}
    for device in rows:
        online = (
            None if device.status == DeviceStatus.UNKNOWN else device.status == DeviceStatus.ONLINE
        )
        result[ids[device.pk]] = {
            "online": online,
            "last_seen": device.last_value_at,
            "open_alarms": device.open_alarms,
            "summary": (
                _("Kamera %(code)s: %(status)s")
                if device.kind == DeviceKind.CAMERA
                else _("Sensor %(code)s: %(status)s")
            )
            % {"code": device.code, "status": device.get_status_display()},
        }
    return result


register_asset_source(
    AssetSource(
        PREFIX,
        gettext_lazy("Perangkat sensor kota"),
        "kendali.sensors.asset_sources.devices",
        "kendali.sensors.asset_sources.states",
    )
)
