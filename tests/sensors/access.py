from tests.access import EVERYONE, Route, only

VIEW_DEVICE = EVERYONE - {"outsider"}
VIEW_ALARM = EVERYONE - {"outsider", "asset_manager"}
HANDLE = only("admin", "operator", "supervisor", "dispatcher", "officer", "other_officer")
MANAGE = only("admin", "operator")

ROUTES = [
    Route("POST", "/api/v1/sensors/readings", MANAGE, body={"readings": []}),
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
    Route("GET", "/api/v1/sensors/rules/export", HANDLE),
    Route("POST", "/api/v1/sensors/rules/import", MANAGE, body={}, note="422 for no rules"),
]
