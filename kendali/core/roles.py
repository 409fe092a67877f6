"""Roles are groups with explicit permissions.

Core declares its own permissions here; every app declares the permissions it
grants to each role in its AppConfig as ``role_permissions`` ("app_label.codename"),
so core never imports the apps and a reader finds a module's rules in the module.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from kendali.core.choices import Role

R = Role
ALL_ROLES = list(Role)

CORE_ROLE_PERMISSIONS: dict[str, list[str]] = {
    R.ADMINISTRATOR: [
        "core.view_audit",
        "core.manage_users",
        "core.manage_tokens",
        "core.manage_agency",
        "core.view_agency",
    ],
    R.SUPERVISOR: ["core.view_audit", "core.view_agency"],
    R.CALL_TAKER: ["core.view_agency"],
    R.DISPATCHER: ["core.view_agency"],
    R.AGENCY_OFFICER: ["core.view_agency"],
    R.CONTROL_ROOM_VIEWER: ["core.view_agency"],
    R.OPERATOR: ["core.view_agency", "core.manage_tokens"],
    R.ASSET_MANAGER: ["core.view_agency"],
    R.SPBE_COORDINATOR: ["core.view_agency"],
}


def declared_role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role.value: set() for role in Role}
    sources = [CORE_ROLE_PERMISSIONS] + [
        getattr(config, "role_permissions", {}) for config in apps.get_app_configs()
    ]
    for source in sources:
        for role, perms in source.items():
            merged[str(role)].update(perms)
    return merged


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Create the groups and set exactly the declared permissions. Idempotent.

    Reads every permission once (a few hundred one-row lookups otherwise; this runs at
    every migrate, every demo load and before every test that needs the roles)."""
    declared = declared_role_permissions()
    needed = {perm for perms in declared.values() for perm in perms}
    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.filter(
            codename__in={perm.split(".", 1)[1] for perm in needed}
        ).values_list("pk", "content_type__app_label", "codename")
    }
    counts = {}
    for role, perms in declared.items():
        missing = sorted(perms - known.keys())
        if missing:
            raise LookupError(f"role {role}: unknown permission {missing[0]}")
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([known[perm] for perm in perms])
        counts[role] = len(perms)
    return counts
