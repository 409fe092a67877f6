"""The whole truth in /api/v1/openapi.json: every error an operation can give (RFC 9457
problem+json, one schema), the real content types, and bodies views read themselves."""

from __future__ import annotations

from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "type"],
                "properties": {
                    "field": {"type": "string", "description": "a.b.0.c; kosong: seluruh isi"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
_REF = {"$ref": "#/components/schemas/Problem"}
_DESCRIPTIONS = {
    "400": "Permintaan tidak dapat diproses",
    "401": "Perlu autentikasi (token tidak dikenal atau sesi tidak ada)",
    "403": "Tidak diizinkan (peran, cakupan token, CSRF, verifikasi dua langkah)",
    "404": "Tidak ditemukan (atau di luar cakupan instansi Anda)",
    "409": "Konflik dengan keadaan saat ini",
    "413": "Isi permintaan terlalu besar",
    "422": "Data tidak valid (`errors` menyebut setiap bidang)",
}
GEOJSON = {
    "responses": {
        "200": {
            "description": "GeoJSON FeatureCollection (RFC 7946)",
            "content": {
                "application/geo+json": {
                    "schema": {
                        "type": "object",
                        "required": ["type", "features"],
                        "properties": {
                            "type": {"type": "string", "enum": ["FeatureCollection"]},
                            "features": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                }
            },
        }
    }
}


def json_body(schema: dict, description: str) -> dict:
    """``openapi_extra`` for a view that reads its JSON body itself."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def complete(schema: dict) -> dict:
    """Add the problem responses to every operation and settle GeoJSON content types."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Status codes as strings (OpenAPI); an ``openapi_extra`` entry ("200") refines
            # the framework's (200).
            responses: dict = {}
            for code in sorted(operation["responses"], key=lambda c: isinstance(c, str)):
                merged = {**responses.get(str(code), {}), **operation["responses"][code]}
                responses[str(code)] = merged
            operation["responses"] = responses
            ok = responses.get("200", {}).get("content", {})
            if "application/geo+json" in ok:
                ok.pop("application/json", None)
            codes = ["400", "404", "422"]
            if operation.get("security"):
                codes += ["401", "403"]
            if method in ("post", "put", "patch", "delete"):
                codes += ["409", "413"]
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/problem+json": {"schema": _REF}},
                    },
                )
    return schema
