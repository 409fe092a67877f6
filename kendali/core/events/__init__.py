"""The live event stream every screen uses.

Services call :func:`publish` inside their transaction; the event is appended to
the store only after commit (``transaction.on_commit``), so no screen ever sees a
change that rolled back. Each event gets a monotonically increasing id and is kept
for ``KENDALI_EVENT_RETENTION_HOURS``; a reconnecting screen resumes from its
``Last-Event-ID`` without gaps or duplicates.

Two stores behind one interface (:mod:`.stores`): the database (default; the
events table, in-process wake-ups plus a short poll for other processes) and
Redis Streams when ``KENDALI_REDIS_URL`` is set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction

from kendali.core.events.stores import StoredEvent, get_store, retention_cutoff

logger = logging.getLogger(__name__)

ALL_AGENCIES = "*"

__all__ = ["ALL_AGENCIES", "StoredEvent", "get_store", "publish", "publish_now", "purge_expired"]


def publish(
    topic: str,
    data: dict,
    *,
    perm: str = "",
    agency_ids: Iterable[int | str] = (),
    user_ids: Iterable[int] = (),
) -> None:
    """Queue an event for delivery once the surrounding transaction commits.

    ``perm``: only users holding this permission receive it (personal data).
    ``agency_ids``: the agencies whose officers may receive it; users bound to an
    agency see an event only when their agency is listed (or ``ALL_AGENCIES``).
    ``user_ids``: when given, the event is addressed: only these users' streams
    receive it (still subject to ``perm``); no other user, superuser or machine token
    does. For personal data meant for one person, e.g. the 112 screen-pop.
    """
    transaction.on_commit(
        partial(
            publish_now,
            topic,
            data,
            perm=perm,
            agency_ids=list(agency_ids),
            user_ids=list(user_ids),
        ),
        robust=True,
    )


def publish_now(
    topic: str,
    data: dict,
    *,
    perm: str = "",
    agency_ids: Iterable[int | str] = (),
    user_ids: Iterable[int] = (),
) -> StoredEvent:
    """Append immediately. Only for code that is itself outside any transaction."""
    return get_store().append(
        topic, data, perm=perm, agency_ids=list(agency_ids), user_ids=[int(u) for u in user_ids]
    )


def purge_expired() -> None:
    """Job: forget the events older than ``KENDALI_EVENT_RETENTION_HOURS``."""
    get_store().purge(retention_cutoff())
