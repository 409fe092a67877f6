from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, demo_live, jobs
from kendali.core.choices import Role
from kendali.core.notifiers import register_acknowledged_hook
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


def _install_index_triggers(*, using: str = "default", **kwargs) -> None:
    # travel imports the dispatch models, which cannot load while the app registry is filled.
    from kendali.dispatch.travel import install_index_triggers

    connection = connections[using]
    if "dispatch_unit" not in connection.introspection.table_names():
        return  # after `migrate dispatch zero`
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "dispatch_unit")
    if any(c.name == "index_version" for c in columns):  # not when migrated back below 0003
        install_index_triggers(connection)


VIEW = ["dispatch.view_unit", "dispatch.view_assignment", "dispatch.view_runcard"]


class DispatchConfig(AppConfig):
    name = "kendali.dispatch"
    label = "dispatch"
    verbose_name = _("Pengerahan")

    role_permissions = {
        Role.ADMINISTRATOR: [
            *VIEW,
            "dispatch.add_unit",
            "dispatch.change_unit",
            "dispatch.delete_unit",
            "dispatch.view_slabreach",
            "dispatch.view_fieldreport",
            "dispatch.view_shiftlog",
        ],
        Role.SUPERVISOR: [
            *VIEW,
            "dispatch.add_unit",
            "dispatch.change_unit",
            "dispatch.delete_unit",
            "dispatch.operate_unit",
            "dispatch.assign_unit",
            "dispatch.change_runcard",
            "dispatch.close_override",
            "dispatch.add_fieldreport",
            "dispatch.view_fieldreport",
            "dispatch.add_referral",
            "dispatch.view_slabreach",
            "dispatch.add_shiftlog",
            "dispatch.view_shiftlog",
        ],
        Role.DISPATCHER: [
            *VIEW,
            "dispatch.operate_unit",
            "dispatch.assign_unit",
            "dispatch.view_fieldreport",
            "dispatch.add_referral",
            "dispatch.view_slabreach",
            "dispatch.view_shiftlog",
        ],
        Role.AGENCY_OFFICER: [
            "dispatch.view_unit",
            "dispatch.view_assignment",
            "dispatch.operate_unit",
            "dispatch.acknowledge_assignment",
            "dispatch.add_fieldreport",
            "dispatch.view_fieldreport",
        ],
        Role.CONTROL_ROOM_VIEWER: [*VIEW, "dispatch.view_slabreach"],
    }

    def ready(self) -> None:
        register_nav(
            NavItem(
                "dispatch",
                _("Papan dispatch"),
                "dispatch:board",
                perm="dispatch.assign_unit",
                order=20,
                icon="➤",
                roles_home=(Role.DISPATCHER, Role.SUPERVISOR),
            )
        )
        register_nav(
            NavItem(
                "dispatch_inbox",
                _("Kotak masuk instansi"),
                "dispatch:inbox",
                perm="dispatch.acknowledge_assignment",
                order=21,
                icon="✉",
                roles_home=(Role.AGENCY_OFFICER,),
            )
        )
        register_nav(
            NavItem(
                "dispatch_crew",
                _("Halaman kru"),
                "dispatch:crew",
                perm="dispatch.operate_unit",
                order=22,
                icon="⚑",
            )
        )
        register_nav(
            NavItem(
                "dispatch_reports",
                _("Laporan respons"),
                "dispatch:reports",
                perm="dispatch.view_slabreach",
                order=23,
                icon="▤",
            )
        )
        register_layer(
            MapLayer(
                "units",
                _("Unit (armada)"),
                "kendali.dispatch.selectors.units_layer",
                perm="dispatch.view_unit",
                topics=("dispatch.",),
                order=20,
            )
        )
        register_tile(
            KpiTile(
                "units_available",
                _("Unit tersedia per instansi"),
                "kendali.dispatch.selectors.units_available_tile",
                perm="dispatch.view_unit",
                topics=("dispatch.unit",),
                order=20,
            )
        )
        register_tile(
            KpiTile(
                "sla_breaches_today",
                _("Pelanggaran SLA hari ini"),
                "kendali.dispatch.selectors.breaches_today_tile",
                perm="dispatch.view_slabreach",
                topics=("dispatch.sla",),
                order=21,
            )
        )
        jobs.register(jobs.Job("dispatch.sla", 15, "kendali.dispatch.sla.check_running"))
        register_acknowledged_hook("kendali.dispatch.services.on_notification_acknowledged")
        # incidents asks before closing, cancelling or merging: no unit may stay on it.
        register_incident_guard(
            IncidentGuard(
                "dispatch_units",
                check="kendali.dispatch.services.incident_close_guard",
                on_merge="kendali.dispatch.services.on_incident_merge",
            )
        )
        # A later migration may rebuild the unit table (SQLite), dropping its triggers.
        post_migrate.connect(_install_index_triggers, sender=self)
        demo.register(60, "kendali.dispatch.demo.seed")
        demo_live.register_tick("dispatch", "kendali.dispatch.demo_live.demo_tick", order=20)
