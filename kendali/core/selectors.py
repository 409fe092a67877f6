"""Reads of the core room, already scoped to what the actor may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed
from kendali.core.models import Agency, AuditEntry, MachineToken


def audit_entries(
    *,
    actor: Actor,
    action: str = "",
    actor_label: str = "",
    object_type: str = "",
    object_id: str = "",
    kind: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    if not actor.has_perm("core.view_audit"):
        raise NotAllowed(_("Log audit hanya untuk supervisor dan administrator."))
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_label:
        entries = entries.filter(actor_label__icontains=actor_label)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if kind:
        entries = entries.filter(kind=kind)
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lt=until)
    return entries.order_by("-at", "-id")


def agencies(*, actor: Actor, include_inactive: bool = False) -> QuerySet[Agency]:
    queryset = Agency.objects.prefetch_related("channels")
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("short_name")


def machine_tokens(*, actor: Actor) -> QuerySet[MachineToken]:
    if not actor.has_perm("core.manage_tokens"):
        raise NotAllowed(_("Peran Anda tidak berhak melihat token mesin."))
    queryset = MachineToken.objects.select_related("created_by", "agency")
    if actor.user is not None and not actor.user.has_perm("core.manage_users"):
        # Operators see the tokens they created (devices, hotspots), not everyone's.
        queryset = queryset.filter(created_by=actor.user)
    return queryset.order_by("-created_at")
