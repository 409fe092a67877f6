"""Who is bound to one agency, and which agency: the rule every incident read follows."""

from __future__ import annotations

from kendali.core.actors import Actor
from kendali.core.choices import AGENCY_BOUND_ROLES

UNSCOPED = object()


def agency_scope(actor: Actor):
    """``UNSCOPED`` for people and machines who see every agency's incidents; otherwise the
    agency id the actor is bound to (``None``: bound but without an agency, sees nothing)."""
    if actor.is_system:
        return UNSCOPED
    if actor.user is not None:
        user = actor.user
        if user.is_superuser or not (user.roles & AGENCY_BOUND_ROLES):
            return UNSCOPED
        return user.agency_id
    if actor.token is not None and actor.token.agency_id is not None:
        return actor.token.agency_id
    return UNSCOPED
