"""The audit log: one append-only entry per write, and per read of personal data."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from kendali.core.actors import Actor
from kendali.core.choices import AuditKind
from kendali.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of an instance, as JSON-safe values (FKs as ids)."""
    result = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = _plain(getattr(instance, attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that changed; creation has before=None."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    changes: dict | None = None,
    kind: str = AuditKind.WRITE,
    note: str = "",
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr if object_repr is not None else str(obj)
    return AuditEntry.objects.create(
        kind=kind,
        actor=actor.user,
        actor_label=actor.label[:200],
        token=actor.token,
        source_ip=actor.ip,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        object_repr=(object_repr or "")[:300],
        changes=_plain(changes or {}),
        note=note,
        on_behalf=actor.on_behalf,
    )


def audit_personal_read(
    *, actor: Actor, object_type: str, object_id: str | int, what: str, note: str = ""
) -> AuditEntry:
    """Record that someone saw personal data (a caller number, a reporter's contact)."""
    return audit_record(
        actor=actor,
        action=f"read:{what}",
        object_type=object_type,
        object_id=object_id,
        kind=AuditKind.READ,
        note=note,
    )
