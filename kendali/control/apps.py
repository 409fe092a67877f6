from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo
from kendali.core.choices import Role
from kendali.core.registry import KpiTile, NavItem, register_nav, register_tile

VIEW = "control.view_control"
POST_MESSAGE = "control.add_wallmessage"
MANAGE_DISPLAY = "control.add_walldisplay"


class ControlConfig(AppConfig):
    name = "kendali.control"
    label = "control"
    verbose_name = _("Ruang kendali")

    role_permissions = {
        Role.CONTROL_ROOM_VIEWER: [VIEW, "control.view_wallmessage"],
        Role.SUPERVISOR: [VIEW, "control.view_wallmessage", POST_MESSAGE, MANAGE_DISPLAY],
        Role.DISPATCHER: [VIEW, "control.view_wallmessage", POST_MESSAGE],
        Role.ADMINISTRATOR: [VIEW, "control.view_wallmessage", POST_MESSAGE, MANAGE_DISPLAY],
        Role.OPERATOR: [VIEW, "control.view_wallmessage"],
    }

    def ready(self) -> None:
        demo.register(50, "kendali.control.demo.seed")

        register_nav(
            NavItem(
                "control",
                _("Ruang kendali"),
                "control:dashboard",
                perm=VIEW,
                icon="▦",
                order=40,
                roles_home=(Role.CONTROL_ROOM_VIEWER, Role.SUPERVISOR, Role.DISPATCHER),
            )
        )
        register_tile(
            KpiTile(
                "jobs",
                _("Proses latar hidup"),
                "kendali.control.selectors.jobs_tile",
                perm=VIEW,
                topics=("kendali.jobs.",),
                order=900,
            )
        )
