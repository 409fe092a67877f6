from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, jobs
from kendali.core.choices import Role
from kendali.core.registry import (
    HistorySource,
    KpiTile,
    MapLayer,
    NavItem,
    register_history,
    register_layer,
    register_nav,
    register_tile,
)

STAFF = [
    "incidents.view_incident",
    "incidents.add_incident",
    "incidents.change_incident",
    "incidents.view_reporter_contact",
    "incidents.view_incidenttype",
]


class IncidentsConfig(AppConfig):
    name = "kendali.incidents"
    label = "incidents"
    verbose_name = _("Kejadian")

    role_permissions = {
        Role.ADMINISTRATOR: [*STAFF, "incidents.merge_incident"],
        Role.SUPERVISOR: [*STAFF, "incidents.merge_incident"],
        Role.DISPATCHER: [*STAFF, "incidents.merge_incident"],
        Role.CALL_TAKER: STAFF,
        # Officers see only incidents listing their agency (enforced in selectors/services),
        # and the reporter's contact of those, so the field team can call back.
        Role.AGENCY_OFFICER: [
            "incidents.view_incident",
            "incidents.view_reporter_contact",
            "incidents.view_incidenttype",
        ],
        Role.CONTROL_ROOM_VIEWER: ["incidents.view_incident", "incidents.view_incidenttype"],
    }

    def ready(self) -> None:
        # The services import the incident models: only once the app registry is ready.
        from kendali.incidents.services import personal_data_days

        personal_data_days()  # a malformed KENDALI_PERSONAL_DATA_DAYS stops start-up

        register_nav(
            NavItem(
                "incidents",
                _("Kejadian"),
                "incidents:list",
                perm="incidents.view_incident",
                order=20,
                icon="⚠",
                roles_home=(Role.DISPATCHER, Role.AGENCY_OFFICER, Role.SUPERVISOR),
            )
        )
        register_layer(
            MapLayer(
                "incidents",
                _("Kejadian"),
                "kendali.incidents.selectors.incidents_layer",
                perm="incidents.view_incident",
                topics=("incidents.",),
                order=10,
            )
        )
        register_tile(
            KpiTile(
                "incidents_open",
                _("Kejadian terbuka"),
                "kendali.incidents.selectors.incidents_open_tile",
                perm="incidents.view_incident",
                topics=("incidents.",),
                order=10,
            )
        )
        register_history(
            HistorySource(
                "incidents",
                _("Kejadian"),
                "kendali.incidents.selectors.incidents_history",
                perm="incidents.view_incident",
                type_choices="kendali.incidents.selectors.type_choices",
            )
        )
        jobs.register(
            jobs.Job(
                "incidents.reporter_retention", 3600, "kendali.incidents.services.retention_job"
            )
        )
        demo.register(30, "kendali.incidents.demo.seed")
