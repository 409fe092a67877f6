from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kendali.core.choices import Role

VIEW = ["assets.view_item", "assets.view_reports"]
DRAFT = [*VIEW, "assets.draft_entry", "assets.manage_stocktake", "assets.import_items"]
APPROVE = [*VIEW, "assets.approve_entry"]
BPKAD = [
    *DRAFT,
    "assets.approve_entry",
    "assets.run_depreciation",
    "assets.lock_semester",
    "assets.manage_codes",
]


class AssetsConfig(AppConfig):
    name = "kendali.assets"
    label = "assets"
    verbose_name = _("Barang milik daerah")
    role_permissions = {
        Role.ADMINISTRATOR: BPKAD,
        Role.BMD_PENGELOLA: [*APPROVE, "assets.lock_semester"],
        Role.BMD_PENATAUSAHAAN: BPKAD,
        Role.BMD_PENGGUNA: APPROVE,
        Role.BMD_KUASA: APPROVE,
        Role.BMD_PENGURUS: DRAFT,
        Role.BMD_PENGURUS_PEMBANTU: DRAFT,
        # The existing OPD asset manager role works as that OPD's Pengurus Barang.
        Role.ASSET_MANAGER: DRAFT,
    }

    def ready(self) -> None:
        from kendali.core import demo, jobs
        from kendali.core.registry import (
            KpiTile,
            MapLayer,
            NavItem,
            register_layer,
            register_nav,
            register_tile,
        )

        register_nav(
            NavItem(
                "assets",
                _("Aset (BMD)"),
                "assets:items",
                perm="assets.view_item",
                order=70,
                icon="▦",
            )
        )
        register_layer(
            MapLayer(
                "assets",
                _("Aset daerah (BMD)"),
                "kendali.assets.selectors.assets_layer",
                perm="assets.view_item",
                topics=("assets.",),
                order=75,
                default_on=False,
            )
        )
        register_tile(
            KpiTile(
                "assets_pending",
                _("Entri BMD menunggu persetujuan"),
                "kendali.assets.selectors.pending_tile",
                perm="assets.view_item",
                topics=("assets.entry.",),
                order=75,
            )
        )
        jobs.register(
            jobs.Job("assets.devices_sweep", 120, "kendali.assets.services.devices_sweep")
        )
        demo.register(80, "kendali.assets.demo.seed")
