from tests.access import EVERYONE, Route, only

VIEW_DEVICE = EVERYONE - {"outsider"}
VIEW_ALARM = EVERYONE - {"outsider", "asset_manager"}
HANDLE = only("admin", "operator", "supervisor", "dispatcher", "officer", "other_officer")
MANAGE = only("admin", "operator")

ROUTES = [
    Route("POST", "/api/v1/sensors/readings", MANAGE, body={"readings": []}),
    Route(
        "POST",
        "/api/v1/sensors/devices/tidak-ada/heartbeat",
        MANAGE,
        note="404 for an unknown device",
    ),
    Route("GET", "/api/v1/sensors/devices", VIEW_DEVICE),
    Route("POST", "/api/v1/sensors/devices", MANAGE, body={}, note="422 for an empty body"),
    Route(
        "GET",
        "/api/v1/sensors/devices/tidak-ada/history?variable=currentLevel",
        VIEW_DEVICE,
        note="404 for an unknown device",
    ),
    Route("GET", "/api/v1/sensors/alarms", VIEW_ALARM),
    Route("POST", "/api/v1/sensors/alarms/999999/acknowledge", HANDLE, body={}),
    Route("POST", "/api/v1/sensors/alarms/999999/clear", HANDLE, body={}),
    Route("GET", "/api/v1/sensors/rules", HANDLE),
    Route("POST", "/api/v1/sensors/rules", MANAGE, body={}, note="422 for an empty body"),
    Route("PUT", "/api/v1/sensors/rules/999999", MANAGE, body={}, note="404 for an unknown rule"),
    Route("DELETE", "/api/v1/sensors/rules/999999", MANAGE, note="404 for an unknown rule"),
    Route("GET", "/api/v1/sensors/rules/export", HANDLE),
    Route("POST", "/api/v1/sensors/rules/import", MANAGE, body={}, note="422 for no rules"),
]

ROUTES += [
    Route("GET", "/sensor/", VIEW_DEVICE),
    Route("GET", "/sensor/perangkat/baru/", MANAGE),
    Route("GET", "/sensor/perangkat/tidak-ada/", VIEW_DEVICE, note="404 for an unknown device"),
    Route("POST", "/sensor/perangkat/tidak-ada/token/", MANAGE, body={}),
    Route("POST", "/sensor/perangkat/tidak-ada/aturan/", MANAGE, body={}, note="404"),
    Route("POST", "/sensor/perangkat/tidak-ada/variabel/", MANAGE, body={}, note="404"),
    Route("POST", "/sensor/aturan/999999/hapus/", MANAGE, body={}, note="404"),
    Route("GET", "/sensor/alarm/", VIEW_ALARM),
    Route("GET", "/sensor/alarm/999999/", VIEW_ALARM, note="404 for an unknown alarm"),
    Route("POST", "/sensor/alarm/999999/aksi/", HANDLE, body={}),
    Route("GET", "/sensor/aturan/", HANDLE),
    Route("GET", "/sensor/aturan/ekspor/", HANDLE),
    Route("POST", "/sensor/aturan/impor/", MANAGE, body={}),
    Route("GET", "/sensor/impor-csv/", MANAGE),
    Route("GET", "/sensor/langganan/", VIEW_ALARM),
]
