"""Reads of the Wi-Fi module, scoped to what the actor may see."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.alerts.selectors import active_alerts_for_kelurahan
from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed
from kendali.core.geo import normalize_mac
from kendali.core.models import NotificationDelivery
from kendali.core.notifiers.sms import masked
from kendali.wifi import conf, counters
from kendali.wifi.choices import ApStatus
from kendali.wifi.models import (
    AccessPoint,
    Announcement,
    DailyUsage,
    Park,
    QuotaGroup,
    RadiusSession,
    Subscriber,
    VoucherBatch,
)

logger = logging.getLogger(__name__)


def _require(actor: Actor, perm: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(_("Peran Anda tidak berhak melihat data ini."))


def parks_with_aps(*, actor: Actor):
    _require(actor, "wifi.view_park")
    return (
        Park.objects.select_related("kelurahan", "kecamatan")
        .prefetch_related("access_points")
        .annotate(
            ap_total=Count("access_points"),
            ap_online=Count("access_points", filter=Q(access_points__status=ApStatus.ONLINE)),
        )
    )


def otp_delivery(challenge) -> NotificationDelivery:
    """The outbox row of a challenge's SMS, as it stands now."""
    return NotificationDelivery.objects.get(pk=challenge.delivery.pk)


def undelivered_otp_sms(*, actor: Actor, hours: int = 24) -> list[dict]:
    """One-time-code SMS of the last ``hours`` that failed or wait for a retry after an error:
    what the operator must know when people say no code arrives. Numbers masked, text never
    shown (it holds the code)."""
    _require(actor, "wifi.view_park")
    since = timezone.now() - timedelta(hours=hours)
    rows = (
        NotificationDelivery.objects.filter(
            kind="sms", ref__startswith=conf.OTP_SMS_REF, created_at__gte=since
        )
        .filter(Q(status="failed") | Q(status="pending", attempts__gt=0))
        .exclude(last_error="")
        .order_by("-created_at")
        .values("created_at", "target", "status", "attempts", "last_error", "next_attempt_at")[:50]
    )
    return [{**row, "target": masked(row["target"])} for row in rows]


def parks_overview(*, actor: Actor) -> list[dict]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "lat": p.lat,
            "lon": p.lon,
            "kelurahan": p.kelurahan.nama if p.kelurahan else "",
            "kecamatan": p.kecamatan.nama if p.kecamatan else "",
            "access_points": [
                {
                    "id": ap.pk,
                    "name": ap.name,
                    "ssid": ap.ssid,
                    "status": ap.status,
                    "last_seen_at": ap.last_seen_at.isoformat() if ap.last_seen_at else None,
                }
                for ap in p.access_points.all()
            ],
        }
        for p in parks_with_aps(actor=actor)
    ]


def hotspots_layer(*, actor: Actor) -> dict:
    """Control-room map layer: one point per park, coloured by its hotspots' status."""
    features = []
    for park in parks_with_aps(actor=actor):
        total, online = park.ap_total, park.ap_online
        color = "#2e7d32" if total and online == total else "#c62828" if online == 0 else "#f9a825"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [park.lon, park.lat]},
                "properties": {
                    "label": park.name,
                    "color": color,
                    "icon": "📶",
                    "popup": _("%(park)s — %(online)d dari %(total)d hotspot daring")
                    % {"park": park.name, "online": online, "total": total},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def hotspots_online_tile(*, actor: Actor) -> dict:
    _require(actor, "wifi.view_accesspoint")
    rows = AccessPoint.objects.aggregate(
        total=Count("pk"), online=Count("pk", filter=Q(status=ApStatus.ONLINE))
    )
    total, online = rows["total"] or 0, rows["online"] or 0
    level = "ok" if online == total else "bad" if total and online < total / 2 else "warn"
    return {
        "value": online,
        "unit": f"/ {total}",
        "detail": _("hotspot taman daring"),
        "level": level if total else "ok",
    }


def quota_groups(*, actor: Actor):
    _require(actor, "wifi.view_quotagroup")
    return QuotaGroup.objects.all()


def subscriber_status(subscriber, *, now=None) -> dict:
    """What the portal shows after login and what RFC 8908 reports."""
    now = now or timezone.now()
    usage = counters.usage_of(subscriber, now=now)
    seconds, octets = counters.remaining(subscriber.group, usage)
    if subscriber.expires_at:
        left = max(int((subscriber.expires_at - now).total_seconds()), 0)
        seconds = left if seconds is None else min(seconds, left)
    return {
        "seconds_remaining": seconds,
        "bytes_remaining": octets,
        "day_seconds": usage.day_seconds,
        "day_octets": usage.day_octets,
        "month_octets": usage.month_octets,
        # Only exhausted time or data block here: the phone asking is usually the one
        # holding the open session, so simultaneous use is not held against it.
        "blocked": counters.check(subscriber.group, replace(usage, open_sessions=0)),
    }


def announcements_for(park: Park | None, *, now=None) -> list[Announcement]:
    now = now or timezone.now()
    qs = Announcement.objects.filter(starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    qs = qs.filter(Q(park__isnull=True) | Q(park=park)) if park else qs.filter(park__isnull=True)
    return list(qs[:5])


def public_warnings_for(park: Park | None) -> list:
    """Active public warnings covering the park's kelurahan, from the alerts app when it is
    installed; none otherwise (the portal must work without it)."""
    if park is None or not park.kelurahan_id:
        return []
    try:
        active_alerts_for_kelurahan = _active_alerts()
        return [_warning(a) for a in active_alerts_for_kelurahan(park.kelurahan_id)][:3]
    except ImportError:
        return []
    except Exception:  # noqa: BLE001 - a failing alerts app must not take the portal down
        logger.exception("wifi portal: active_alerts_for_kelurahan failed")
        return []


def _warning(alert) -> dict:
    """What the splash shows of a CAP alert: headline, severity and the advice to citizens."""
    if isinstance(alert, dict):
        return alert
    info = alert.info() if callable(getattr(alert, "info", None)) else None
    severity = getattr(alert, "get_severity_display", None)
    return {
        "headline": getattr(alert, "headline", "") or str(alert),
        "severity": severity() if callable(severity) else "",
        "instruction": (getattr(info, "instruction", "") or getattr(info, "description", ""))
        if info
        else "",
    }


def _active_alerts():
    return active_alerts_for_kelurahan


def usage_days(*, actor: Actor, park: Park | None, start: date, end: date):
    _require(actor, "wifi.view_wifi_usage")
    qs = DailyUsage.objects.select_related("park__kelurahan").filter(day__gte=start, day__lte=end)
    return qs.filter(park=park) if park else qs


def subscriber_by_framed_ip(ip: str | None):
    if not ip:
        return None
    session = (
        RadiusSession.objects.select_related("subscriber__group")
        .filter(framed_ip=ip, stopped_at__isnull=True, subscriber__isnull=False)
        .order_by("-updated_at")
        .first()
    )
    return session.subscriber if session else None


def has_open_session(subscriber) -> bool:
    stale = timezone.now() - timedelta(seconds=conf.STALE_SESSION_SECONDS)
    return RadiusSession.objects.filter(
        subscriber=subscriber, stopped_at__isnull=True, updated_at__gte=stale
    ).exists()


# --------------------------------------------------------------------------- pages' lookups
# The operator pages' permission is checked by the page; the captive portal is public and only
# ever shows a park's name, announcements and warnings.


def park_by_id(pk) -> Park | None:
    """The park of an id from a URL, a query string or the portal's session; None otherwise."""
    raw = str(pk or "").strip()
    return Park.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


def parks():
    return Park.objects.all()


def access_point_by_id(pk: int) -> AccessPoint | None:
    return AccessPoint.objects.select_related("park").filter(pk=pk).first()


def access_point_by_key(key: str) -> AccessPoint | None:
    """The hotspot a captive-portal redirect names, by its MAC or else its NAS address."""
    aps = AccessPoint.objects.select_related("park")
    ap = aps.filter(mac=normalize_mac(key) or "").first()
    if ap is None and key.replace(".", "").isdigit():
        ap = aps.filter(nas_ip=key).first()
    return ap


def is_hotspot_address(ip: str) -> bool:
    return AccessPoint.objects.filter(nas_ip=ip).exists()


def recent_announcements(limit: int = 50):
    return Announcement.objects.select_related("park").all()[:limit]


def voucher_batches(limit: int = 100):
    return VoucherBatch.objects.select_related("group", "park").all()[:limit]


def voucher_batch(pk: int) -> VoucherBatch | None:
    return VoucherBatch.objects.select_related("group").filter(pk=pk).first()


def portal_subscriber(pk) -> Subscriber | None:
    return Subscriber.objects.select_related("group").filter(pk=pk).first() if pk else None
