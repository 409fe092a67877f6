"""Declared access of every route, walked by tests/test_authorization.py.

Each app lists its routes in ``tests/<app>/access.py`` as ``ROUTES``. The walker
fails when a URL pattern of the project has no declaration, so a new route cannot
ship without saying who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EVERYONE = frozenset(
    {
        "admin",
        "supervisor",
        "calltaker",
        "dispatcher",
        "officer",
        "other_officer",
        "viewer",
        "operator",
        "asset_manager",
        "spbe",
        "outsider",
    }
)
STAFF_112 = frozenset({"admin", "supervisor", "calltaker", "dispatcher"})
PUBLIC = EVERYONE | {"anonymous"}


def only(*names: str) -> frozenset[str]:
    return frozenset(names)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    allowed: frozenset[str]
    body: dict | None = None
    content_type: str = "application/json"
    # Routes that answer a stream or need a token are checked for refusals only.
    refusals_only: bool = False
    note: str = ""
    setup: str | None = None  # name of a fixture-like callable in the app's access module
    extra: dict = field(default_factory=dict)


# Patterns that are not ours to declare (framework pages, static, translations).
EXEMPT_PREFIXES = (
    "admin/",
    "i18n/",
    "jsi18n/",
    "static/",
    "api/v1/docs",
    "api/v1/openapi.json",
    "^api/",
)
EXEMPT_EXACT = {"api/v1/"}  # the API root answers 404 problem+json
