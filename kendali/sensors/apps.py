from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, demo_live, jobs
from kendali.core.choices import Role
from kendali.core.registry import (
    IncidentGuard,
    KpiTile,
    MapLayer,
    NavItem,
    register_incident_guard,
    register_layer,
    register_nav,
    register_tile,
)
from kendali.sensors import conf  # noqa: F401 - reads and validates its settings now

VIEW = ["sensors.view_device", "sensors.view_alarm"]
HANDLE = [*VIEW, "sensors.change_alarm", "sensors.view_rule"]
MANAGE = [
    *HANDLE,
    "sensors.add_device",
    "sensors.change_device",
    "sensors.ingest_reading",
    "sensors.change_rule",
]


class SensorsConfig(AppConfig):
    name = "kendali.sensors"
    label = "sensors"
    verbose_name = _("Sensor kota")

    role_permissions = {
        Role.ADMINISTRATOR: MANAGE,
        Role.OPERATOR: MANAGE,
        Role.SUPERVISOR: HANDLE,
        Role.DISPATCHER: HANDLE,
        Role.AGENCY_OFFICER: HANDLE,
        Role.CALL_TAKER: VIEW,
        Role.CONTROL_ROOM_VIEWER: VIEW,
        Role.SPBE_COORDINATOR: VIEW,
        Role.ASSET_MANAGER: ["sensors.view_device"],
    }

    def ready(self) -> None:
        register_nav(
            NavItem(
                "sensors",
                _("Sensor kota"),
                "sensors:index",
                perm="sensors.view_device",
                order=40,
                icon="≈",
            )
        )
        register_layer(
            MapLayer(
                "sensors",
                _("Sensor"),
                "kendali.sensors.selectors.devices_layer",
                perm="sensors.view_device",
                topics=("sensors.",),
                order=40,
            )
        )
        register_layer(
            MapLayer(
                "sensor_alarms",
                _("Alarm sensor"),
                "kendali.sensors.selectors.alarms_layer",
                perm="sensors.view_alarm",
                topics=("sensors.alarm.",),
                order=41,
            )
        )
        register_tile(
            KpiTile(
                "sensor_alarms",
                _("Alarm sensor aktif"),
                "kendali.sensors.selectors.alarms_tile",
                perm="sensors.view_alarm",
                topics=("sensors.alarm.",),
                order=40,
            )
        )
        # An alarm that opened an incident ends with it (closed, cancelled, merged elsewhere).
        register_incident_guard(
            IncidentGuard(
                "sensor_alarms",
                on_merge="kendali.sensors.services.on_incident_merge",
                on_close="kendali.sensors.services.on_incident_close",
            )
        )
        jobs.register(jobs.Job("sensors.rules", 15, "kendali.sensors.services.jobs.job_rules"))
        jobs.register(jobs.Job("sensors.offline", 60, "kendali.sensors.services.jobs.job_offline"))
        jobs.register(
            jobs.Job("sensors.retention", 3600, "kendali.sensors.services.jobs.job_retention")
        )
        demo.register(60, "kendali.sensors.demo.seed")
        # The demo feed (readings, the periodic Kasemen flood wave); skipped while absent.
        demo_live.register_tick("sensors", "kendali.sensors.simulation.demo_tick", order=30)
