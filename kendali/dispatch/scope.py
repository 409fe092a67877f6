"""Who may act on which unit or assignment.

* A unit token (scope "unit", subject ``dispatch.unit:<id>``) acts only for its unit.
* Everyone else by the one agency scope (:mod:`kendali.core.scope`): agency-bound people
  (officers) act only on their agency's units and assignments; center staff (dispatchers,
  supervisors) on every unit.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.scope import may_see_agency

UNIT_SUBJECT = "dispatch.unit"


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
    return may_see_agency(actor, unit.agency_id)


def require_operate(actor: Actor, unit) -> None:
    if actor.token is not None and actor.user is None:
        if token_unit_id(actor) != unit.pk or not actor.has_scope("unit"):
            raise NotAllowed(_("Token kru ini hanya berlaku untuk unitnya sendiri."))
        return
    if not actor.has_perm("dispatch.operate_unit"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah status unit."))
    if not may_see_agency(actor, unit.agency_id):
        raise NotFound(_("Unit tidak ditemukan."))


def require_agency(actor: Actor, agency_id: int, what: str = "") -> None:
    if not may_see_agency(actor, agency_id):
        raise NotFound(what or _("Data tidak ditemukan."))
