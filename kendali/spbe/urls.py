from django.urls import path

from kendali.spbe import views

app_name = "spbe"

urlpatterns = [
    path("", views.home, name="home"),
    path("arsitektur/", views.catalogue, name="catalogue"),
    path("arsitektur/baru/", views.element_create, name="element_create"),
    path("arsitektur/sinkron/", views.catalogue_sync, name="sync"),
    path("arsitektur/matriks.xlsx", views.matrix_xlsx, name="matrix"),
    path("arsitektur/celah/", views.gap_list, name="gaps"),
    path("arsitektur/<int:pk>/", views.element_detail, name="element"),
    path("arsitektur/<int:pk>/ubah/", views.element_edit, name="element_edit"),
    path("arsitektur/<int:pk>/validasi/", views.element_validate, name="element_validate"),
    path("arsitektur/<int:pk>/relasi/", views.relation_add, name="relation_add"),
    path("arsitektur/<int:pk>/dependensi.svg", views.dependency_svg, name="dependency_svg"),
    path("relasi/<int:pk>/hapus/", views.relation_remove, name="relation_remove"),
    path("kerangka/", views.framework_list, name="frameworks"),
    path("evaluasi/", views.evaluation_list, name="evaluations"),
    path("evaluasi/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluasi/<int:pk>/kunci/", views.evaluation_lock, name="evaluation_lock"),
    path("evaluasi/<int:pk>/ekspor.xlsx", views.evaluation_xlsx, name="evaluation_xlsx"),
    path("evaluasi/<int:pk>/ekspor.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("jawaban/<int:pk>/", views.answer_detail, name="answer"),
    path("bukti/<int:pk>/", views.evidence_download, name="evidence"),
    path("bukti/<int:pk>/hapus/", views.evidence_remove, name="evidence_remove"),
    path("peta-rencana/", views.roadmap, name="roadmap"),
    path("peta-rencana/versi/", views.roadmap_version_create, name="roadmap_version"),
    path("peta-rencana/banding/", views.roadmap_compare, name="roadmap_compare"),
    path("peta-rencana/inisiatif/baru/", views.initiative_form, name="initiative_create"),
    path("peta-rencana/inisiatif/<int:pk>/", views.initiative_form, name="initiative"),
    path("kebijakan/", views.policy_list, name="policies"),
    path("kebijakan/<int:pk>/dokumen/", views.policy_document, name="policy_document"),
]
