from tests.access import Route, only

VIEW = only("admin", "spbe", "officer", "other_officer", "asset_manager")
EDIT = only("admin", "spbe", "officer", "other_officer")
MANAGE = only("admin", "spbe")
REVIEW = only("admin", "spbe")

ELEMENT = {"domain": "aplikasi", "code": "UJI.AKSES", "name": "Uji"}

ROUTES = [
    Route("GET", "/spbe/", VIEW),
    Route("GET", "/spbe/arsitektur/", VIEW),
    Route("GET", "/spbe/arsitektur/baru/", EDIT),
    Route("POST", "/spbe/arsitektur/sinkron/", MANAGE, body={}),
    Route("GET", "/spbe/arsitektur/matriks.xlsx", VIEW),
    Route("GET", "/spbe/arsitektur/celah/", VIEW),
    Route("GET", "/spbe/arsitektur/999999/", VIEW, note="404 for unknown"),
    Route("GET", "/spbe/arsitektur/999999/ubah/", EDIT),
    Route("POST", "/spbe/arsitektur/999999/validasi/", REVIEW, body={}),
    Route("POST", "/spbe/arsitektur/999999/relasi/", EDIT, body={}),
    Route("GET", "/spbe/arsitektur/999999/dependensi.svg", VIEW),
    Route("POST", "/spbe/relasi/999999/hapus/", EDIT, body={}),
    Route("GET", "/spbe/kerangka/", VIEW),
    Route("GET", "/spbe/evaluasi/", VIEW),
    Route("GET", "/spbe/evaluasi/999999/", VIEW),
    Route("POST", "/spbe/evaluasi/999999/kunci/", MANAGE, body={}),
    Route("GET", "/spbe/evaluasi/999999/ekspor.xlsx", VIEW),
    Route("GET", "/spbe/evaluasi/999999/ekspor.pdf", VIEW),
    Route("GET", "/spbe/jawaban/999999/", VIEW),
    Route("GET", "/spbe/bukti/999999/", VIEW),
    Route("POST", "/spbe/bukti/999999/hapus/", EDIT, body={}),
    Route("GET", "/spbe/peta-rencana/", VIEW),
    Route("POST", "/spbe/peta-rencana/versi/", MANAGE, body={}),
    Route("GET", "/spbe/peta-rencana/banding/", VIEW),
    Route("GET", "/spbe/peta-rencana/inisiatif/baru/", MANAGE),
    Route("GET", "/spbe/peta-rencana/inisiatif/999999/", MANAGE),
    Route("GET", "/spbe/kebijakan/", VIEW),
    Route("GET", "/spbe/kebijakan/999999/dokumen/", VIEW),
    # API
    Route("GET", "/api/v1/spbe/elements", VIEW),
    Route(
        "POST",
        "/api/v1/spbe/elements",
        MANAGE,
        body=ELEMENT,
        note="officers may add only for their own OPD: 403 without one",
    ),
    Route("GET", "/api/v1/spbe/elements/999999", VIEW),
    Route("POST", "/api/v1/spbe/elements/999999/validation", REVIEW, body={"accept": True}),
    Route("PATCH", "/api/v1/spbe/elements/999999", EDIT, body={}),
    Route(
        "POST",
        "/api/v1/spbe/elements/999999/relations",
        EDIT,
        body={"target_id": 1, "kind": "uses_data"},
    ),
    Route("GET", "/api/v1/spbe/matrix", VIEW),
    Route("GET", "/api/v1/spbe/gaps", VIEW),
    Route("POST", "/api/v1/spbe/catalogue/sync", MANAGE, body={}),
    Route("POST", "/api/v1/spbe/frameworks", MANAGE, body={}),
    Route("GET", "/api/v1/spbe/evaluations", VIEW),
    Route("GET", "/api/v1/spbe/evaluations/999999", VIEW),
    Route("PUT", "/api/v1/spbe/answers/999999", EDIT, body={}),
    Route("POST", "/api/v1/spbe/answers/999999/submit", EDIT, body={}),
    Route("POST", "/api/v1/spbe/answers/999999/review", REVIEW, body={"accept": True}),
    Route("GET", "/api/v1/spbe/roadmap", VIEW),
    Route("GET", "/api/v1/spbe/roadmap/indicators", VIEW),
]
