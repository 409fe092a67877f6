"""Pluggable notifiers: in-app inbox, e-mail, webhook, Telegram, SMS.

Every channel module has the same surface: ``send(*, target, message) -> DeliveryResult``.

:func:`notify` never talks to the network itself. It writes an outbox row
(``NotificationDelivery``) inside the caller's transaction — so a rolled-back
assignment sends nothing — and, once the transaction commits, hands the row to a
small background thread pool. The request that assigned a unit therefore never
waits for an SMTP server or a slow webhook, and a crash between commit and
delivery loses nothing: the ``notifiers.retry`` job picks up rows still pending
(with back-off, up to ``MAX_ATTEMPTS``). We chose a thread after commit plus the
job rather than the job alone because the job ticks at most once a second per
process, and an agency should hear of a P1 assignment at once.

Set ``KENDALI_NOTIFIERS_INLINE = True`` (tests) to deliver in the commit callback
in the calling thread instead of the pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta
from functools import partial

from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from kendali.core.notifiers.base import DeliveryResult, Message, setting

__all__ = [
    "CHANNELS",
    "DeliveryResult",
    "Message",
    "deliver",
    "notify",
    "notify_agency",
    "retry_pending",
]

logger = logging.getLogger(__name__)

CHANNELS: dict[str, str] = {
    "inbox": "kendali.core.notifiers.inbox.send",
    "email": "kendali.core.notifiers.email.send",
    "webhook": "kendali.core.notifiers.webhook.send",
    "telegram": "kendali.core.notifiers.telegram.send",
    "sms": "kendali.core.notifiers.sms.send",
}
MAX_ATTEMPTS = 5
CLAIM_SECONDS = 60

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_futures: set[Future] = set()
_ack_hooks: list[str] = []


def register_channel(kind: str, dotted_send: str) -> None:
    """Add a channel (e.g. an SMS gateway) whose module offers ``send(*, target, message)``."""
    CHANNELS[kind] = dotted_send


def register_acknowledged_hook(dotted: str) -> None:
    """A callable ``hook(*, actor, notification)`` run (in the same transaction) when an
    inbox notification is acknowledged; modules use it to mark their own records."""
    if dotted not in _ack_hooks:
        _ack_hooks.append(dotted)


def acknowledged_hooks() -> list[Callable]:
    return [import_string(h) for h in _ack_hooks]


def notify(*, kind: str, target: str, message: Message):
    """Queue one message for one target; it is sent after the current transaction commits.

    A message whose ``data`` has ``"secret": True`` (a one-time code) keeps its body only
    while it may still be sent: it is blanked once the row is sent or has failed for good."""
    # dispatch's AppConfig module imports this one while the app registry fills: models here.
    from kendali.core.models import NotificationDelivery

    if kind not in CHANNELS:
        raise ValueError(f"unknown notifier channel {kind!r}")
    delivery = NotificationDelivery.objects.create(
        kind=kind,
        target=target[:500],
        title=message.title[:200],
        body=message.body,
        url=message.url[:300],
        ref=message.ref[:120],
        data=message.data,
    )
    transaction.on_commit(partial(_after_commit, delivery.pk), robust=True)
    return delivery


def notify_agency(*, agency, message: Message, channels: Iterable[str] | None = None) -> list:
    """The agency's inbox plus every contact channel it has (e-mail, webhook, Telegram)."""
    # dispatch's AppConfig module imports this one while the app registry fills: models here.
    from kendali.core.models import AgencyChannel

    wanted = set(channels) if channels is not None else None
    deliveries = []
    if wanted is None or "inbox" in wanted:
        deliveries.append(notify(kind="inbox", target=f"agency:{agency.pk}", message=message))
    for channel in AgencyChannel.objects.filter(agency=agency).order_by("id"):
        if channel.kind in CHANNELS and channel.kind != "inbox":
            if wanted is None or channel.kind in wanted:
                deliveries.append(notify(kind=channel.kind, target=channel.value, message=message))
    return deliveries


def _inline() -> bool:
    return setting("KENDALI_NOTIFIERS_INLINE", "").lower() in ("1", "true", "yes")


def _after_commit(delivery_id: int) -> None:
    if _inline():
        deliver(delivery_id)
        return
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kendali-notify")
        future = _executor.submit(_deliver_in_thread, delivery_id)
        _futures.add(future)
        future.add_done_callback(_futures.discard)


def _deliver_in_thread(delivery_id: int) -> None:
    close_old_connections()
    try:
        deliver(delivery_id)
    except Exception:  # noqa: BLE001 - the retry job will try again
        logger.exception("notifier delivery %s failed", delivery_id)
    finally:
        connection.close()


def wait_idle(timeout: float = 10.0) -> bool:
    """Wait until queued background deliveries are done (tests, graceful shutdown)."""
    pending = list(_futures)
    if not pending:
        return True
    _done, not_done = wait(pending, timeout=timeout)
    return not not_done


def deliver(delivery_id: int) -> bool:
    """Send one pending delivery now. Returns whether it was sent."""
    # dispatch's AppConfig module imports this one while the app registry fills: models here.
    from kendali.core.models import NotificationDelivery

    now = timezone.now()
    # Race: the after-commit thread and the retry job may both pick the same row; the
    # conditional UPDATE (claim with a lease) lets exactly one of them send it.
    claimed = NotificationDelivery.objects.filter(
        Q(pk=delivery_id, status="pending")
        & (Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    ).update(locked_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery = NotificationDelivery.objects.get(pk=delivery_id)
    message = Message(
        title=delivery.title,
        body=delivery.body,
        url=delivery.url,
        ref=delivery.ref,
        data=delivery.data,
    )
    try:
        result = import_string(CHANNELS[delivery.kind])(target=delivery.target, message=message)
    except Exception as exc:  # noqa: BLE001 - a channel bug must not lose the row
        logger.exception("notifier %s raised", delivery.kind)
        result = DeliveryResult(False, error=f"{type(exc).__name__}: {exc}")
    fields: dict = {"locked_until": None, "detail": result.detail[:300]}
    if result.ok:
        fields.update(status="sent", sent_at=timezone.now(), last_error="")
    else:
        fields["last_error"] = result.error[:2000]
        if not result.retry or delivery.attempts >= MAX_ATTEMPTS:
            fields["status"] = "failed"
        else:
            backoff = 15 * 2 ** (delivery.attempts - 1)
            fields["next_attempt_at"] = timezone.now() + timedelta(seconds=backoff)
    if fields.get("status") in ("sent", "failed") and delivery.data.get("secret"):
        fields["body"] = ""
    NotificationDelivery.objects.filter(pk=delivery_id).update(**fields)
    return result.ok


def retry_pending(limit: int = 100) -> int:
    """Job: send deliveries still pending whose next attempt is due. Returns how many sent."""
    # dispatch's AppConfig module imports this one while the app registry fills: models here.
    from kendali.core.models import NotificationDelivery

    now = timezone.now()
    due = list(
        NotificationDelivery.objects.filter(status="pending", next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if deliver(pk))
