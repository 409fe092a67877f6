"""The OpenAPI tells the whole truth: every operation documents its problem+json errors with
one schema; GeoJSON routes say application/geo+json; bodies read by the views are described;
the bounds the edge enforces are in the schema."""

from __future__ import annotations

import pytest

from kendali.api import api

UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec():
    return api.get_openapi_schema(path_prefix="/api/v1")


def _operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_errors(spec):
    assert spec["components"]["schemas"]["Problem"]["properties"]["errors"]["items"]["required"]
    for path, method, operation in _operations(spec):
        responses = operation["responses"]
        assert all(isinstance(code, str) for code in responses), (path, method)
        expected = {"400", "404", "422"}
        if operation.get("security"):
            expected |= {"401", "403"}
        if method in UNSAFE:
            expected |= {"409", "413"}
        assert expected <= set(responses), (path, method, sorted(responses))
        for code in expected:
            content = responses[code]["content"]["application/problem+json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_geojson_routes_say_so(spec):
    for path in ("/api/v1/regions/", "/api/v1/control/layers/{key}"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(content) == ["application/geo+json"]


def test_bodies_read_by_views_are_described(spec):
    for path in ("/api/v1/sensors/readings", "/api/v1/sensors/rules/import"):
        body = spec["paths"][path]["post"]["requestBody"]
        assert body["required"] and body["content"]["application/json"]["schema"]


def test_bounds_are_in_the_schema(spec):
    params = {p["name"]: p for p in spec["paths"]["/api/v1/regions/locate"]["get"]["parameters"]}
    assert params["lat"]["schema"]["minimum"] == -90 and params["lat"]["schema"]["maximum"] == 90
    audit = {p["name"]: p for p in spec["paths"]["/api/v1/audit"]["get"]["parameters"]}
    assert audit["offset"]["schema"]["maximum"] == 1_000_000_000
    assert "date-time" in str(audit["until"]["schema"])


def test_a_real_refusal_matches_the_documented_schema(clients):
    response = clients["admin"].get("/api/v1/audit?until=0")
    assert response.status_code == 422
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert all(set(e) == {"field", "message", "type"} for e in body["errors"])
