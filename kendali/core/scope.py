"""One rule for "what may this actor see": the agency/OPD scope every selector applies.

* The system actor (a job with no person behind it) and superusers see every agency.
* People in agency-bound roles (agency officers, asset managers, OPD roles that modules add to
  ``AGENCY_BOUND_ROLES``) see only their own agency/OPD; bound but without an agency: nothing.
* Other staff (call-takers, dispatchers, supervisors, operators, coordinators) see every agency;
  their permissions decide what they may do with it.
* A machine token bound to an agency sees that agency; a token without one sees every agency
  (it is an installation-wide integration; its scopes limit what it may call).
* Anonymous actors see nothing.

A person acting on behalf of another module keeps this scope: the capability granted says what
the module may ask of another, never who may see what.
"""

from __future__ import annotations

from typing import Final

from django.db.models import Q, QuerySet

from kendali.core.actors import Actor
from kendali.core.choices import AGENCY_BOUND_ROLES


class _Everything:
    def __repr__(self) -> str:
        return "EVERY_AGENCY"


EVERY_AGENCY: Final = _Everything()
NO_AGENCY: Final[frozenset[int]] = frozenset()


def visible_agencies(actor: Actor) -> _Everything | frozenset[int]:
    """``EVERY_AGENCY`` or the (possibly empty) set of agency ids the actor may see."""
    if actor.is_system:
        return EVERY_AGENCY
    if actor.user is not None:
        user = actor.user
        if user.is_superuser or not (user.roles & AGENCY_BOUND_ROLES):
            return EVERY_AGENCY
        return frozenset({user.agency_id}) if user.agency_id is not None else NO_AGENCY
    if actor.token is not None:
        if not actor.token.is_active:
            return NO_AGENCY
        if actor.token.agency_id is not None:
            return frozenset({actor.token.agency_id})
        return EVERY_AGENCY
    return NO_AGENCY


def sees_every_agency(actor: Actor) -> bool:
    return visible_agencies(actor) is EVERY_AGENCY


def may_see_agency(actor: Actor, agency_id: int | None) -> bool:
    """Whether an object owned by ``agency_id`` is inside the actor's scope. An object with no
    owner (``None``) is visible only to actors who see every agency."""
    agencies = visible_agencies(actor)
    if isinstance(agencies, _Everything):
        return True
    return agency_id is not None and agency_id in agencies


def scope_queryset(qs: QuerySet, actor: Actor, *fields: str) -> QuerySet:
    """Restrict ``qs`` to the objects the actor may see.

    ``fields`` are lookups that lead to an agency id (``"agency"``, ``"opd"``,
    ``"incident__agencies"``); an object is visible when any of them is in scope. Lookups through
    a many-valued relation may repeat rows, so the result is made distinct then.
    """
    if not fields:
        raise ValueError("scope_queryset needs at least one agency lookup")
    agencies = visible_agencies(actor)
    if isinstance(agencies, _Everything):
        return qs
    if not agencies:
        return qs.none()
    condition = Q()
    for lookup in fields:
        condition |= Q(**{f"{lookup}__in": sorted(agencies)})
    scoped = qs.filter(condition)
    if any("__" in lookup for lookup in fields):
        scoped = scoped.distinct()
    return scoped
