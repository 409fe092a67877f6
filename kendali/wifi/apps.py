from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, demo_live, jobs
from kendali.core.choices import Role
from kendali.core.registry import (
    KpiTile,
    MapLayer,
    NavItem,
    register_layer,
    register_nav,
    register_tile,
)
from kendali.wifi import conf

OPERATOR_PERMS = [
    "wifi.view_park",
    "wifi.add_park",
    "wifi.change_park",
    "wifi.view_accesspoint",
    "wifi.add_accesspoint",
    "wifi.change_accesspoint",
    "wifi.view_quotagroup",
    "wifi.add_quotagroup",
    "wifi.change_quotagroup",
    "wifi.view_voucherbatch",
    "wifi.add_voucherbatch",
    "wifi.add_announcement",
    "wifi.view_wifi_usage",
    "wifi.export_wifi_usage",
]


class WifiConfig(AppConfig):
    name = "kendali.wifi"
    label = "wifi"
    verbose_name = _("Wi-Fi taman")
    role_permissions = {
        Role.OPERATOR: OPERATOR_PERMS,
        Role.ADMINISTRATOR: OPERATOR_PERMS,
        # The control room sees where the hotspots are and whether they are up.
        Role.SUPERVISOR: ["wifi.view_park", "wifi.view_accesspoint"],
        Role.CONTROL_ROOM_VIEWER: ["wifi.view_park", "wifi.view_accesspoint"],
    }

    def ready(self) -> None:
        conf.validate()  # a malformed KENDALI_WIFI_* stops start-up, naming the variable

        register_nav(
            NavItem("wifi", _("Wi-Fi taman"), "wifi:parks", perm="wifi.view_accesspoint", order=60)
        )
        register_layer(
            MapLayer(
                "wifi_hotspots",
                _("Hotspot taman"),
                "kendali.wifi.selectors.hotspots_layer",
                perm="wifi.view_park",
                topics=("wifi.ap.",),
                order=60,
            )
        )
        register_tile(
            KpiTile(
                "wifi_hotspots_online",
                _("Hotspot daring"),
                "kendali.wifi.selectors.hotspots_online_tile",
                perm="wifi.view_accesspoint",
                topics=("wifi.ap.",),
                order=60,
            )
        )
        jobs.register(jobs.Job("wifi.ap_offline", 30, "kendali.wifi.services.access_points_sweep"))
        # Every minute: the usage pages never lag the live park page by more than that.
        jobs.register(jobs.Job("wifi.usage_rollup", 60, "kendali.wifi.services.usage_rollup"))
        jobs.register(
            jobs.Job("wifi.accounting_purge", 3600, "kendali.wifi.services.accounting_purge")
        )
        demo.register(70, "kendali.wifi.demo.seed")
        demo_live.register_tick("wifi", "kendali.wifi.demo_live.demo_tick", order=40)
