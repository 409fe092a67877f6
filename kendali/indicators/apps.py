from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, jobs
from kendali.core.choices import Role
from kendali.core.registry import KpiTile, NavItem, register_nav, register_tile
from kendali.indicators.catalogue import catalogue

VIEW = "indicators.view_indicators"
ENTER = "indicators.enter_figure"
APPROVE = "indicators.approve_figure"
MANAGE_TARGET = "indicators.manage_target"


class IndicatorsConfig(AppConfig):
    name = "kendali.indicators"
    label = "indicators"
    verbose_name = _("Indikator kota cerdas dan data terbuka")

    # Every staff role reads the programme; OPD officers enter their OPD's figures and
    # approve a colleague's (never their own: the services enforce four eyes); the SPBE
    # coordinator and administrators set the targets of the grand design.
    role_permissions = {
        Role.ADMINISTRATOR: [VIEW, ENTER, APPROVE, MANAGE_TARGET],
        Role.SUPERVISOR: [VIEW],
        Role.CALL_TAKER: [VIEW],
        Role.DISPATCHER: [VIEW],
        Role.AGENCY_OFFICER: [VIEW, ENTER, APPROVE],
        Role.CONTROL_ROOM_VIEWER: [VIEW],
        Role.OPERATOR: [VIEW],
        Role.ASSET_MANAGER: [VIEW],
        Role.SPBE_COORDINATOR: [VIEW, MANAGE_TARGET],
    }

    def ready(self) -> None:
        catalogue()  # a broken bundled catalogue fails at start-up, not on a page
        register_nav(
            NavItem(
                "indicators",
                _("Indikator"),
                "indicators:overview",
                perm=VIEW,
                icon="▤",
                order=70,
            )
        )
        # Public figures (the same as /indikator/publik/): no permission needed.
        register_tile(
            KpiTile(
                "indicators_targets",
                _("Indikator kota cerdas"),
                "kendali.indicators.selectors.indicators_tile",
                topics=("indicators.",),
                order=70,
            )
        )
        jobs.register(
            jobs.Job("indicators.snapshot", 60, "kendali.indicators.services.snapshot_job")
        )
        demo.register(90, "kendali.indicators.demo.seed")
