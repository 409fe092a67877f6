"""Every route, every role: allowed users get through, others get 403 (API anonymous: 401,
pages anonymous: redirect to the login page). New routes must be declared."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

import tests
from tests.access import EXEMPT_EXACT, EXEMPT_PREFIXES, Route


def _declared() -> list[Route]:
    routes = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            access = importlib.import_module(f"tests.{module.name}.access")
        except ModuleNotFoundError:
            continue
        routes.extend(getattr(access, "ROUTES", []))
    return routes


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, text)
        elif isinstance(entry, URLPattern):
            yield text, entry


def _route_key(match) -> str:
    return match.route


ROUTES = _declared()


def test_every_route_is_declared():
    declared = set()
    for route in ROUTES:
        match = resolve(route.path.split("?")[0])
        declared.add(_route_key(match))
    missing = []
    for text, _pattern in _patterns():
        if text.startswith(EXEMPT_PREFIXES) or text in EXEMPT_EXACT:
            continue
        if text not in declared:
            missing.append(text)
    assert not missing, f"routes without an access declaration in tests/<app>/access.py: {missing}"


def _call(client, route: Route):
    if route.method == "GET":
        return client.get(route.path)
    import json

    data = (
        json.dumps(route.body or {})
        if route.content_type == "application/json"
        else (route.body or {})
    )
    return client.generic(route.method, route.path, data, content_type=route.content_type)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_route_access(route: Route, clients, regions_loaded):
    for name, client in clients.items():
        if route.refusals_only and name in route.allowed:
            continue
        response = _call(client, route)
        status = response.status_code
        is_api = route.path.startswith("/api/")
        if name in route.allowed:
            assert status not in (401, 403) and status < 500, (
                f"{name}: {status} {route.method} {route.path}"
            )
        elif name == "anonymous":
            if is_api:
                assert status == 401, f"anonymous: {status} {route.method} {route.path}"
                assert response["Content-Type"].startswith("application/problem+json")
            else:
                assert status == 302 and "/masuk/" in response["Location"], (
                    f"anonymous: {status} {route.path}"
                )
        else:
            assert status == 403, f"{name}: {status} {route.method} {route.path}"
            if is_api:
                assert response["Content-Type"].startswith("application/problem+json")
