"""Who may act on which unit or assignment.

* Agency-bound people (officers) act only on their agency's units and assignments.
* A unit token (scope "unit", subject ``dispatch.unit:<id>``) acts only for its unit.
* Center staff (dispatchers, supervisors) act on every unit.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.choices import AGENCY_BOUND_ROLES
from kendali.core.errors import NotAllowed, NotFound

UNIT_SUBJECT = "dispatch.unit"


def bound_agency(actor: Actor) -> int | None | bool:
    """False: unscoped (center staff, system). Otherwise the agency id (None = no agency)."""
    if actor.is_system:
        return False
    if actor.user is not None:
        user = actor.user
        if user.is_superuser or not (user.roles & AGENCY_BOUND_ROLES):
            return False
        return user.agency_id
    if actor.token is not None:
        return actor.token.agency_id
    return None


def token_unit_id(actor: Actor) -> int | None:
    token = actor.token
    if token is None or token.subject_type != UNIT_SUBJECT or not token.subject_id.isdigit():
        return None
    return int(token.subject_id)


def can_operate(actor: Actor, unit) -> bool:
    if actor.user is None and actor.token is not None:
        return actor.has_scope("unit") and token_unit_id(actor) == unit.pk
    if not actor.has_perm("dispatch.operate_unit"):
        return False
    agency = bound_agency(actor)
    return agency is False or (agency is not None and agency == unit.agency_id)


def require_operate(actor: Actor, unit) -> None:
    if actor.token is not None and actor.user is None:
        if token_unit_id(actor) != unit.pk or not actor.has_scope("unit"):
            raise NotAllowed(_("Token kru ini hanya berlaku untuk unitnya sendiri."))
        return
    if not actor.has_perm("dispatch.operate_unit"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah status unit."))
    agency = bound_agency(actor)
    if agency is not False and agency != unit.agency_id:
        raise NotFound(_("Unit tidak ditemukan."))


def require_agency(actor: Actor, agency_id: int, what: str = "") -> None:
    agency = bound_agency(actor)
    if agency is not False and agency != agency_id:
        raise NotFound(what or _("Data tidak ditemukan."))
