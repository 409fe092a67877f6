from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core import demo, jobs
from kendali.core.choices import Role
from kendali.core.registry import NavItem, register_nav

VIEW = "reports.view_report"
ACT = "reports.act_report"
CONTACT = "reports.view_reporter_contact"
ESCALATE = "reports.escalate_report"
MODERATE = "reports.moderate_report"
CATEGORIES = ["reports.view_category", "reports.change_category", "reports.add_category"]


class ReportsConfig(AppConfig):
    name = "kendali.reports"
    label = "reports"
    verbose_name = _("Laporan warga")

    # An OPD officer (agency_officer bound to the OPD) handles the reports routed to the OPD:
    # verify/forward, hold, not our authority, follow-up, archive, escalate; the core scope
    # keeps other OPDs' reports out of sight. Administrators manage categories, keys and
    # moderation; 112 supervisors see every OPD's reports, moderate and escalate.
    role_permissions = {
        Role.ADMINISTRATOR: [
            VIEW,
            ACT,
            CONTACT,
            ESCALATE,
            MODERATE,
            "reports.manage_open311",
            *CATEGORIES,
        ],
        Role.SUPERVISOR: [VIEW, CONTACT, ESCALATE, MODERATE],
        Role.AGENCY_OFFICER: [VIEW, ACT, CONTACT, ESCALATE],
        Role.CONTROL_ROOM_VIEWER: [VIEW],
    }

    def ready(self) -> None:
        register_nav(
            NavItem("reports", _("Laporan warga"), "reports:inbox", perm=VIEW, order=55, icon="✎")
        )
        jobs.register(
            jobs.Job("reports.finish", 300, "kendali.reports.services.reports_finish_due")
        )
        demo.register(80, "kendali.reports.demo.seed")
