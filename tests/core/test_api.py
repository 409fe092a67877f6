"""API conventions: health, OpenAPI, problem+json for every error."""

import json


def test_health_needs_no_auth(client, db):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["version"]


def test_openapi_and_docs(client, db):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/health" in paths and "/api/v1/regions/locate" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content and b"unpkg" not in docs.content


def test_unknown_api_path_is_problem_json(client, db):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_validation_error_lists_fields(clients):
    response = clients["admin"].post(
        "/api/v1/tokens",
        data=json.dumps({"name": "", "scopes": []}),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in body["errors"]} >= {"name", "scopes"}


def test_service_error_is_problem_json_in_indonesian(clients):
    response = clients["admin"].post(
        "/api/v1/tokens",
        data=json.dumps({"name": "x", "scopes": ["bukan-cakupan"]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "cakupan" in response.json()["detail"].lower()


def test_body_over_limit_is_413(clients, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = clients["admin"].post(
        "/api/v1/tokens",
        data=json.dumps({"name": "x" * 5000, "scopes": ["device"]}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
