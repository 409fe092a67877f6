"""The live demo city: a loop that keeps the demo moving, only in demo mode.

``kendali demo`` sets ``KENDALI_DEMO_LIVE=1``; the core then registers the background job
``demo.live`` that, every ``KENDALI_DEMO_LIVE_SECONDS``, runs the demo ticks the modules
registered here in their AppConfig.ready() (calls ring and get classified, genuine ones
become incidents, units are sent, drive, report and close, sensors feed their readings).
``kendali simulate city`` runs the same ticks on demand against any database.

Core imports no module: a tick is a dotted path, resolved when it runs. A tick whose
module is not there (yet) is skipped. Every write a tick makes goes through the module's
services with a simulator actor (:func:`simulator_actor`), so the audit log names it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from kendali.core.actors import Actor
from kendali.core.choices import Role

logger = logging.getLogger(__name__)

SIMULATOR_LABEL = "simulasi-demo"
JOB_NAME = "demo.live"


@dataclass(frozen=True)
class Tick:
    key: str
    function: str  # dotted path, called as function(now=aware datetime)
    order: int = 100


_ticks: dict[str, Tick] = {}


def register_tick(key: str, function: str, order: int = 100) -> None:
    _ticks[key] = Tick(key, function, order)


def ticks() -> list[Tick]:
    return sorted(_ticks.values(), key=lambda t: (t.order, t.key))


def simulator_actor(role: str = "") -> Actor:
    """The actor of the demo simulator, e.g. ``simulasi-demo:penerima`` in the audit log."""
    return Actor.system(f"{SIMULATOR_LABEL}:{role}" if role else SIMULATOR_LABEL)


def is_simulator_label(label: str) -> bool:
    return label == SIMULATOR_LABEL or label.startswith(SIMULATOR_LABEL + ":")


def human_agency_ids() -> set[int]:
    """Agencies a person answers for: those with an active agency-officer account (in the
    demo, the printed logins ``damkar``, ``bpbd``, ``dinkes``, ``pln``). The simulator never
    accepts an assignment for them; their officers see "Terima" and decide."""
    # The AppConfig modules import this one while the app registry fills: models only here.
    from kendali.core.models import User

    return set(
        User.objects.filter(
            is_active=True, groups__name=Role.AGENCY_OFFICER, agency__isnull=False
        ).values_list("agency_id", flat=True)
    )


def enabled() -> bool:
    return bool(getattr(settings, "DEMO_LIVE", False))


def run_ticks(now: datetime | None = None) -> dict[str, str]:
    """Run every registered tick once. One tick failing does not stop the others.
    Returns {key: "ok" | "tidak ada" | error text}."""
    now = now or timezone.now()
    results: dict[str, str] = {}
    for tick in ticks():
        try:
            function = import_string(tick.function)
        except ImportError:
            # The module has not written its demo feed (yet): nothing to run.
            logger.debug("demo tick %s: %s not found", tick.key, tick.function)
            results[tick.key] = "tidak ada"
            continue
        try:
            function(now=now)
        except Exception as exc:  # noqa: BLE001 - one module's hiccup must not stop the city
            logger.exception("demo tick %s failed", tick.key)
            results[tick.key] = f"{type(exc).__name__}: {exc}"[:300]
        else:
            results[tick.key] = "ok"
    return results


def job() -> None:
    """The background job: does nothing unless the demo is live (``KENDALI_DEMO_LIVE``)."""
    if not enabled():
        return
    failed = {k: v for k, v in run_ticks().items() if v not in ("ok", "tidak ada")}
    if failed:
        raise RuntimeError("; ".join(f"{k}: {v}" for k, v in failed.items()))
