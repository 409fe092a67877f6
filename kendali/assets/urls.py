from django.urls import path

from kendali.assets import views

app_name = "assets"

urlpatterns = [
    path("", views.items, name="items"),
    path("baru/", views.item_new, name="item_new"),
    path("<int:item_id>/", views.item_detail, name="item"),
    path("<int:item_id>/entri/", views.entry_new, name="entry_new"),
    path("<int:item_id>/label.pdf", views.item_label, name="item_label"),
    path("<int:item_id>/lampiran/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:item_id>/lampiran/<int:attachment_id>/",
        views.attachment_file,
        name="attachment",
    ),
    path(
        "<int:item_id>/lampiran/<int:attachment_id>/hapus/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("entri/", views.ledger, name="ledger"),
    path("entri/<int:entry_id>/putuskan/", views.entry_decide, name="entry_decide"),
    path("entri/<int:entry_id>/balik/", views.entry_reverse, name="entry_reverse"),
    path("persetujuan/", views.approvals, name="approvals"),
    path("penyusutan/", views.depreciation, name="depreciation"),
    path("laporan/", views.report_page, name="reports"),
    path("laporan/unduh/", views.report_download, name="report_download"),
    path("inventarisasi/", views.stocktakes, name="stocktakes"),
    path("inventarisasi/<int:stocktake_id>/", views.stocktake_detail, name="stocktake"),
    path("inventarisasi/<int:stocktake_id>/pindai/", views.stocktake_scan, name="stocktake_scan"),
    path(
        "inventarisasi/<int:stocktake_id>/label.pdf",
        views.stocktake_labels,
        name="stocktake_labels",
    ),
    path(
        "inventarisasi/<int:stocktake_id>/hasil.xlsx",
        views.stocktake_result,
        name="stocktake_result",
    ),
    path("impor/", views.import_page, name="import"),
    path("impor/<int:batch_id>/setujui/", views.import_approve, name="import_approve"),
    path("kode/", views.codes, name="codes"),
]
