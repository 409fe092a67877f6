from tests.access import Route, only

VIEW = only("admin", "asset_manager")  # BPKAD-like administrator; the OPD's Pengurus Barang
DRAFT = VIEW
APPROVE = only("admin")
FORM = "application/x-www-form-urlencoded"

ROUTES = [
    Route("GET", "/aset/", VIEW),
    Route("GET", "/aset/baru/", DRAFT),
    Route("POST", "/aset/baru/", DRAFT, body={}, content_type=FORM),
    Route("GET", "/aset/999999/", VIEW, note="404 for an unknown item"),
    Route("POST", "/aset/999999/entri/", DRAFT, body={}, content_type=FORM),
    Route("GET", "/aset/999999/label.pdf", VIEW),
    Route("GET", "/aset/entri/", VIEW),
    Route("POST", "/aset/entri/999999/putuskan/", APPROVE, body={}, content_type=FORM),
    Route("POST", "/aset/entri/999999/balik/", DRAFT, body={}, content_type=FORM),
    Route("GET", "/aset/persetujuan/", VIEW),
    Route("GET", "/aset/penyusutan/", VIEW),
    Route("POST", "/aset/penyusutan/", VIEW, body={}, content_type=FORM),
    Route("GET", "/aset/laporan/", VIEW),
    Route("GET", "/aset/laporan/unduh/?kind=kib_b", VIEW),
    Route("GET", "/aset/inventarisasi/", VIEW),
    Route("POST", "/aset/inventarisasi/", VIEW, body={}, content_type=FORM),
    Route("GET", "/aset/inventarisasi/999999/", VIEW),
    Route("POST", "/aset/inventarisasi/999999/", VIEW, body={}, content_type=FORM),
    Route("GET", "/aset/inventarisasi/999999/pindai/", VIEW),
    Route("GET", "/aset/inventarisasi/999999/label.pdf", VIEW),
    Route("GET", "/aset/impor/", VIEW),
    Route("POST", "/aset/impor/", VIEW, body={}, content_type=FORM),
    Route("POST", "/aset/impor/999999/setujui/", APPROVE, body={}, content_type=FORM),
    Route("GET", "/aset/kode/", VIEW),
    Route("POST", "/aset/kode/", only("admin"), body={}, content_type=FORM),
    Route("GET", "/api/v1/assets/items", VIEW),
    Route("POST", "/api/v1/assets/items", DRAFT, body={}),
    Route("GET", "/api/v1/assets/items/999999", VIEW),
    Route("GET", "/api/v1/assets/items/999999/live", VIEW),
    Route("GET", "/api/v1/assets/entries", VIEW),
    Route("POST", "/api/v1/assets/entries", DRAFT, body={}),
    Route("POST", "/api/v1/assets/entries/999999/reverse", DRAFT, body={}),
    Route("GET", "/api/v1/assets/approvals", VIEW),
    Route("POST", "/api/v1/assets/approvals/999999", APPROVE, body={}),
    Route("GET", "/api/v1/assets/depreciation-runs", VIEW),
    Route("POST", "/api/v1/assets/depreciation-runs", only("admin"), body={}),
    Route("GET", "/api/v1/assets/stocktakes", VIEW),
    Route("GET", "/api/v1/assets/stocktakes/999999", VIEW),
    Route("POST", "/api/v1/assets/stocktakes/999999/scans", VIEW, body={}),
    Route("GET", "/api/v1/assets/reports/kib_b", VIEW),
]
