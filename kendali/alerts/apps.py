from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, jobs
from kendali.core.choices import Role
from kendali.core.registry import (
    IncidentAction,
    KpiTile,
    MapLayer,
    NavItem,
    register_incident_action,
    register_layer,
    register_nav,
    register_tile,
)

VIEW = "alerts.view_alert"
DRAFT = "alerts.draft_alert"
APPROVE = "alerts.approve_alert"


class AlertsConfig(AppConfig):
    name = "kendali.alerts"
    label = "alerts"
    verbose_name = _("Peringatan publik")

    # Operators and 112 supervisors draft; supervisors and administrators approve (never
    # their own drafts: the services enforce four eyes). The wall's viewer may read.
    role_permissions = {
        Role.ADMINISTRATOR: [VIEW, DRAFT, APPROVE],
        Role.SUPERVISOR: [VIEW, DRAFT, APPROVE],
        Role.OPERATOR: [VIEW, DRAFT],
        Role.CONTROL_ROOM_VIEWER: [VIEW],
    }

    def ready(self) -> None:
        register_nav(
            NavItem("alerts", _("Peringatan"), "alerts:manage", perm=VIEW, icon="⚠", order=60)
        )
        # Active public warnings are public information: no permission needed to see them.
        register_layer(
            MapLayer(
                "alerts",
                _("Peringatan publik"),
                "kendali.alerts.selectors.alerts_layer",
                topics=("alerts.",),
                style={"color": "#d7301f", "weight": 2, "fillOpacity": 0.25},
                order=40,
            )
        )
        register_tile(
            KpiTile(
                "alerts_active",
                _("Peringatan publik aktif"),
                "kendali.alerts.selectors.alerts_tile",
                topics=("alerts.",),
                order=40,
            )
        )
        # Issue 7: an incident can pre-fill a warning draft (the incident page shows the
        # button to whoever may draft; incidents itself knows nothing of alerts).
        register_incident_action(
            IncidentAction(
                "alerts_draft",
                _("Buat draf peringatan publik"),
                "kendali.alerts.selectors.incident_warning_url",
                perm=DRAFT,
                order=40,
            )
        )
        jobs.register(jobs.Job("alerts.expire", 30, "kendali.alerts.services.expire_job"))
        demo.register(60, "kendali.alerts.demo.seed")
