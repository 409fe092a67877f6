from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from kendali.core import jobs
from kendali.core.notifiers.base import validate as validate_channel_settings
from kendali.core.registry import NavItem, register_nav

# <app>/<name>.py files that register cross-module contributions (see ready()).
CONTRIBUTION_MODULES = (
    "figures",
    "opendata",
    "evidence",
    "spbe_components",
    "asset_sources",
    "mqtt",
)


class CoreConfig(AppConfig):
    name = "kendali.core"
    label = "core"
    verbose_name = _("Inti")

    def ready(self) -> None:
        validate_channel_settings()

        register_nav(NavItem("home", _("Beranda"), "core:home", order=0, icon="⌂"))
        register_nav(NavItem("map", _("Peta kota"), "regions:map", order=90, icon="◈"))
        register_nav(
            NavItem("agencies", _("Instansi"), "core:agencies", perm="core.view_agency", order=880)
        )
        register_nav(
            NavItem("users", _("Pengguna"), "core:users", perm="core.manage_users", order=890)
        )
        register_nav(
            NavItem(
                "audit", _("Log audit"), "core:audit", perm="core.view_audit", order=900, icon="≡"
            )
        )
        register_nav(
            NavItem(
                "tokens",
                _("Token mesin"),
                "core:tokens",
                perm="core.manage_tokens",
                order=910,
                icon="⚷",
            )
        )
        # What one module contributes to another (live figures, open data sets, SPBE evidence
        # and catalogue entries, devices that are regional assets) sits in its own file per
        # kind in each app, registered here, so core still imports no app by name and adding a
        # contribution never edits another module's AppConfig.
        autodiscover_modules(*CONTRIBUTION_MODULES)
        jobs.register(jobs.Job("events.purge", 600, "kendali.core.events.purge_expired"))
        jobs.register(jobs.Job("notifiers.retry", 15, "kendali.core.notifiers.retry_pending"))
        # The one MQTT consumer, for the topics the modules' mqtt.py registered. Renewed
        # every second with a 3 s lease: after a crash another process takes it over within
        # seconds, and a process that lost the lease stops its client.
        jobs.register(
            jobs.Job(
                "mqtt",
                1,
                "kendali.core.mqtt.job_ensure_consumer",
                lease_seconds=3,
                on_lost="kendali.core.mqtt.job_stop_consumer",
            )
        )

        if settings.DEMO_LIVE:
            # Only `kendali demo` (KENDALI_DEMO_LIVE=1): the demo city keeps moving.
            jobs.register(
                jobs.Job("demo.live", settings.DEMO_LIVE_SECONDS, "kendali.core.demo_live.job")
            )
