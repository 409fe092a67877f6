"""``GET /api/v1/events/stream``: Server-Sent Events with topic filters, role
filtering, heartbeats and gap-free resume from ``Last-Event-ID``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from kendali.core import tokens
from kendali.core.actors import Actor, client_ip
from kendali.core.choices import TokenScope
from kendali.core.events import ALL_AGENCIES
from kendali.core.events.hub import get_hub
from kendali.core.events.stores import ResumeExpired, StoredEvent
from kendali.core.models import MachineToken, User
from kendali.core.problems import problem_response
from kendali.core.scope import sees_every_agency


@dataclass(frozen=True)
class Audience:
    """What one connection may receive, fixed when it connects. ``agency_scoped`` and
    ``agency_id`` come from the one scope rule (kendali.core.scope)."""

    perms: frozenset[str]
    superuser: bool
    agency_id: int | None
    agency_scoped: bool
    topics: tuple[str, ...]
    user_id: int | None = None
    token_id: int | None = None

    def wants(self, event: StoredEvent) -> bool:
        if self.topics and not event.topic.startswith(self.topics):
            return False
        # Addressed events go to their addressees only: not to other users (superusers
        # included) and never to machine tokens.
        if event.user_ids and (
            self.user_id is None or self.user_id not in {int(u) for u in event.user_ids}
        ):
            return False
        if event.perm and not (self.superuser or event.perm in self.perms):
            return False
        if self.agency_scoped:
            allowed = {str(a) for a in event.agency_ids}
            return ALL_AGENCIES in allowed or str(self.agency_id) in allowed
        return True


def _load_user_audience(user, topics, two_factor_ok: bool) -> Audience | None:
    if user.needs_two_factor and not two_factor_ok:
        return None
    return Audience(
        perms=frozenset(user.get_all_permissions()),
        superuser=user.is_superuser,
        agency_id=user.agency_id,
        agency_scoped=not sees_every_agency(Actor(user=user)),
        topics=topics,
        user_id=user.pk,
    )


def _load_token(plain, ip):
    token = tokens.lookup(plain, ip=ip)
    if token is None:
        return None
    return token


def _still_allowed(audience: Audience) -> bool:
    """Re-checked at every heartbeat: a deactivated user or revoked token loses the stream."""
    if audience.user_id is not None:
        return User.objects.filter(pk=audience.user_id, is_active=True).exists()
    if audience.token_id is None:
        return False
    return MachineToken.objects.filter(pk=audience.token_id, revoked_at__isnull=True).exists()


def format_event(event: StoredEvent) -> str:
    payload = json.dumps(
        {"id": event.id, "topic": event.topic, "at": event.created_at, "data": event.data},
        separators=(",", ":"),
        default=str,
    )
    return f"id: {event.id}\ndata: {payload}\n\n"


async def stream(request):
    topics = tuple(t.strip() for t in request.GET.get("topics", "").split(",") if t.strip())
    plain = tokens.bearer(request)
    if plain:
        token = await sync_to_async(_load_token)(plain, client_ip(request))
        if token is None:
            return problem_response(401, _("Token tidak dikenal atau sudah dicabut."))
        if not token.has_scope(TokenScope.EVENTS):
            return problem_response(403, _("Token ini tidak berhak membaca aliran peristiwa."))
        audience = Audience(
            perms=frozenset(),
            superuser=False,
            agency_id=token.agency_id,
            agency_scoped=not sees_every_agency(Actor(token=token)),
            topics=topics,
            token_id=token.pk,
        )
    else:
        user = await request.auser()
        if not user.is_authenticated:
            return problem_response(401, _("Silakan masuk terlebih dahulu."))
        two_factor_ok = await request.session.aget("two_factor_ok", False)
        audience = await sync_to_async(_load_user_audience)(user, topics, two_factor_ok)
        if audience is None:
            return problem_response(403, _("Verifikasi dua langkah diperlukan."))

    last_id = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or None
    response = StreamingHttpResponse(
        _events(audience, last_id), content_type="text/event-stream; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


async def _events(audience: Audience, last_id: str | None):
    hub = get_hub()
    await hub.ensure_started()
    store = hub.store
    heartbeat = settings.EVENT_HEARTBEAT_SECONDS
    yield f"retry: 2000\n: connected store={store.name}\n\n"
    cursor = last_id if last_id else hub.cursor
    if last_id is None:
        yield f"event: ready\ndata: {json.dumps({'cursor': cursor})}\n\n"
    while True:
        generation = hub.generation
        key = store.sort_key(cursor) if cursor else (0,)
        batch = hub.after(key)
        if batch is None:
            try:
                batch = await sync_to_async(store.read_after, thread_sensitive=False)(cursor, 500)
            except ResumeExpired:
                # Too old to replay: tell the screen to reload its state, then go on live.
                cursor = hub.cursor
                yield f"event: reset\ndata: {json.dumps({'cursor': cursor})}\n\n"
                continue
            if not batch:
                # Store has nothing newer but the ring does not vouch: jump to the ring.
                cursor = hub.cursor if hub.floor_key is not None and key < hub.floor_key else cursor
        if batch:
            chunks = []
            for event in batch:
                cursor = event.id
                if audience.wants(event):
                    chunks.append(format_event(event))
            if chunks:
                yield "".join(chunks)
            continue
        woke = await hub.wait(generation, heartbeat)
        if not woke:
            allowed = await sync_to_async(_still_allowed, thread_sensitive=False)(audience)
            if not allowed:
                yield "event: revoked\ndata: {}\n\n"
                return
            yield ": heartbeat\n\n"
