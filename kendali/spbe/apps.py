from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core.choices import Role

VIEW = "spbe.view_spbe"
EDIT = "spbe.edit_spbe"
MANAGE = "spbe.manage_spbe"
REVIEW = "spbe.review_spbe"


class SpbeConfig(AppConfig):
    name = "kendali.spbe"
    label = "spbe"
    verbose_name = _("SPBE")

    # The coordinator runs SPBE for the whole city; an OPD's officer edits the elements and
    # answers of their own OPD (the scope rule decides which); the reviewer (Inspektorat), the
    # coordinator and the administrator review, never an answer they wrote or submitted.
    role_permissions = {
        Role.ADMINISTRATOR: [VIEW, EDIT, MANAGE, REVIEW],
        Role.SPBE_COORDINATOR: [VIEW, EDIT, MANAGE, REVIEW],
        Role.SPBE_REVIEWER: [VIEW, REVIEW],
        Role.AGENCY_OFFICER: [VIEW, EDIT],
        Role.ASSET_MANAGER: [VIEW],
    }

    def ready(self) -> None:
        from kendali.core import demo, jobs
        from kendali.core.registry import NavItem, register_nav

        register_nav(
            NavItem(
                "spbe",
                _("SPBE"),
                "spbe:home",
                perm=VIEW,
                icon="▦",
                order=70,
                roles_home=(Role.SPBE_COORDINATOR, Role.SPBE_REVIEWER),
            )
        )
        demo.register(90, "kendali.spbe.demo.seed")
        # Kendali's own modules appear in (and vanish from) the catalogue by themselves.
        jobs.register(jobs.Job("spbe.components_sync", 3600, "kendali.spbe.services.sync_job"))
