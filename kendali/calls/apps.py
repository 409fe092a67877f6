from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, demo_live, jobs
from kendali.core.choices import Role
from kendali.core.registry import KpiTile, NavItem, register_nav, register_tile

CALL_TAKING = [
    "calls.view_call",
    "calls.add_call",
    "calls.classify_call",
    "calls.view_caller",
    "calls.view_caller_number",
]
SUPERVISING = [
    *CALL_TAKING,
    "calls.view_call_report",
    "calls.manage_blocking",
    "calls.change_blockpolicy",
    # End any call (one left open by another call-taker or a lost PBX "ended").
    "calls.change_call",
]


class CallsConfig(AppConfig):
    name = "kendali.calls"
    label = "calls"
    verbose_name = _("Panggilan 112")

    role_permissions = {
        Role.ADMINISTRATOR: SUPERVISING,
        Role.SUPERVISOR: SUPERVISING,
        Role.CALL_TAKER: CALL_TAKING,
        # Dispatchers follow the call queue and the tile; numbers stay with call-takers.
        Role.DISPATCHER: ["calls.view_call"],
        # Agency officers see only calls linked to their agency's incidents, with numbers.
        Role.AGENCY_OFFICER: ["calls.view_call", "calls.view_caller_number"],
        Role.CONTROL_ROOM_VIEWER: ["calls.view_call"],
    }

    def ready(self) -> None:
        register_nav(
            NavItem(
                "calls",
                _("Konsol 112"),
                "calls:console",
                perm="calls.classify_call",
                order=10,
                roles_home=(Role.CALL_TAKER,),
            )
        )
        register_nav(
            NavItem(
                "calls_report",
                _("Laporan 112"),
                "calls:report",
                perm="calls.view_call_report",
                order=11,
            )
        )
        register_tile(
            KpiTile(
                "calls_today",
                _("Panggilan 112 hari ini"),
                "kendali.calls.selectors.calls_today_tile",
                perm="calls.view_call",
                topics=("calls.call.",),
                order=10,
            )
        )
        jobs.register(
            jobs.Job("calls_retention", 6 * 3600, "kendali.calls.services.purge_personal_data")
        )
        demo.register(40, "kendali.calls.demo.seed")
        demo_live.register_tick("calls", "kendali.calls.demo_live.demo_tick", order=10)
