"""Every write of the Wi-Fi module: parks, hotspots, quota groups, vouchers, the portal
(OTP sign-up, voucher redemption), RADIUS (authorize, post-auth, accounting) and the jobs."""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import phonenumbers
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed
from kendali.core.events import publish
from kendali.core.geo import normalize_mac
from kendali.core.notifiers import Message, notify
from kendali.regions.locate import InvalidCoordinate, locate
from kendali.regions.models import Region
from kendali.wifi import conf, counters, crypto, radius_cache
from kendali.wifi.choices import ApStatus, AuthResult, SubscriberKind
from kendali.wifi.models import (
    AccessPoint,
    Announcement,
    OtpChallenge,
    Park,
    PortalFailure,
    QuotaGroup,
    RadiusEvent,
    RadiusSession,
    Subscriber,
    Voucher,
    VoucherBatch,
)
from kendali.wifi.usage import rollup_day

logger = logging.getLogger(__name__)

PARK_FIELDS = ("name", "address", "lat", "lon", "kelurahan", "opens_at", "closes_at")
AP_FIELDS = ("park_id", "name", "mac", "model", "nas_ip", "ssid", "uplink", "heartbeat_interval")
GROUP_FIELDS = (
    "name",
    "daily_seconds",
    "daily_octets",
    "monthly_octets",
    "simultaneous_use",
    "rate_down_kbps",
    "rate_up_kbps",
    "is_default",
)


def _require(actor: Actor, perm: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(_("Peran Anda tidak berhak melakukan aksi ini."))


# --------------------------------------------------------------------------- parks and APs


@transaction.atomic
def park_save(
    *,
    actor: Actor,
    park: Park | None = None,
    name: str,
    lat: float,
    lon: float,
    address: str = "",
    opens_at: time | None = None,
    closes_at: time | None = None,
) -> Park:
    _require(actor, "wifi.change_park" if park else "wifi.add_park")
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Nama taman wajib diisi."), errors={"name": [_("Wajib diisi.")]})
    try:
        where = locate(lat, lon)
    except InvalidCoordinate as exc:
        raise Invalid(_("Koordinat tidak valid."), errors={"lat": [str(exc)]}) from exc
    if not where.inside:
        raise Invalid(
            _("Lokasi taman harus di dalam Kota Serang."), errors={"lat": [_("Di luar kota.")]}
        )
    creating = park is None
    park = park or Park()
    before = snapshot(park, PARK_FIELDS) if not creating else {}
    park.name, park.lat, park.lon, park.address = name[:120], lat, lon, (address or "")[:250]
    park.opens_at, park.closes_at = opens_at, closes_at
    regions = Region.objects.in_bulk([where.kelurahan_kode, where.kecamatan_kode])
    park.kelurahan = regions.get(where.kelurahan_kode)
    park.kecamatan = regions.get(where.kecamatan_kode)
    if Park.objects.filter(name__iexact=park.name).exclude(pk=park.pk).exists():
        raise Conflict(_("Taman dengan nama ini sudah ada."), errors={"name": [_("Sudah ada.")]})
    park.save()
    audit_record(
        actor=actor,
        action="wifi.park.create" if creating else "wifi.park.update",
        obj=park,
        changes={
            key: [str(v) if isinstance(v, time) else v for v in pair]
            for key, pair in diff(before, snapshot(park, PARK_FIELDS)).items()
        },
    )
    publish("wifi.park.saved", {"id": park.pk, "name": park.name}, perm="wifi.view_park")
    return park


def _clean_mac(mac: str) -> str:
    formatted = normalize_mac(mac)
    if formatted is None:
        raise Invalid(
            _("Alamat MAC tidak valid."), errors={"mac": [_("Format AA:BB:CC:DD:EE:FF.")]}
        )
    return formatted


@transaction.atomic
def access_point_save(
    *,
    actor: Actor,
    ap: AccessPoint | None = None,
    park: Park,
    name: str,
    mac: str,
    nas_ip: str,
    ssid: str,
    secret: str | None = None,
    model: str = "",
    uplink: str = "",
    heartbeat_interval: int = 60,
) -> AccessPoint:
    _require(actor, "wifi.change_accesspoint" if ap else "wifi.add_accesspoint")
    errors: dict[str, list[str]] = {}
    try:
        nas_ip = str(ipaddress.ip_address((nas_ip or "").strip()))
    except ValueError:
        errors["nas_ip"] = [_("Alamat IP tidak valid.")]
    if not (ssid or "").strip() or len(ssid) > 32:
        errors["ssid"] = [_("SSID wajib diisi (maks. 32 karakter).")]
    if ap is None and not secret:
        errors["secret"] = [_("Rahasia bersama wajib diisi.")]
    if secret is not None and secret and len(secret) < 12:
        errors["secret"] = [_("Rahasia bersama minimal 12 karakter.")]
    if not 10 <= int(heartbeat_interval) <= 3600:
        errors["heartbeat_interval"] = [_("Antara 10 dan 3600 detik.")]
    if errors:
        raise Invalid(_("Data titik akses tidak valid."), errors=errors)
    mac = _clean_mac(mac)
    creating = ap is None
    ap = ap or AccessPoint()
    before = snapshot(ap, AP_FIELDS) if not creating else {}
    ap.park, ap.name, ap.mac, ap.nas_ip = park, (name or mac)[:120], mac, nas_ip
    ap.ssid, ap.model, ap.uplink = ssid.strip(), (model or "")[:120], (uplink or "")[:120]
    ap.heartbeat_interval = int(heartbeat_interval)
    if secret:
        ap.secret_encrypted = crypto.encrypt(secret)
    if AccessPoint.objects.filter(Q(mac=mac) | Q(nas_ip=nas_ip)).exclude(pk=ap.pk).exists():
        raise Conflict(_("MAC atau IP NAS sudah dipakai titik akses lain."))
    ap.save()
    changes = diff(before, snapshot(ap, AP_FIELDS))
    if secret:
        changes["secret"] = ["***", "***"]  # never the secret itself
    audit_record(
        actor=actor,
        action="wifi.ap.create" if creating else "wifi.ap.update",
        obj=ap,
        changes=changes,
    )

    transaction.on_commit(radius_cache.clear)
    publish("wifi.ap.saved", {"id": ap.pk, "park": park.pk}, perm="wifi.view_accesspoint")
    return ap


def _set_status(ap: AccessPoint, status: str, now: datetime) -> bool:
    # Conditional UPDATE: a heartbeat and the offline sweep racing cannot both flip the status.
    changed = (
        AccessPoint.objects.filter(pk=ap.pk)
        .exclude(status=status)
        .update(status=status, status_changed_at=now)
        == 1
    )
    if changed:
        ap.status, ap.status_changed_at = status, now
        publish(
            f"wifi.ap.{status}",
            {"id": ap.pk, "name": ap.name, "park": ap.park_id, "status": status},
            perm="wifi.view_accesspoint",
        )
    return changed


@transaction.atomic
def access_point_heartbeat(*, actor: Actor, ap: AccessPoint, at: datetime | None = None) -> None:
    """A sign of life from the AP (HTTP heartbeat or any accounting packet from its NAS)."""
    if not (actor.has_scope("radius") or actor.has_perm("wifi.change_accesspoint")):
        raise NotAllowed(_("Token ini tidak memiliki cakupan untuk aksi ini."))
    now = at or timezone.now()
    # Written at most every 10 s per AP so busy accounting does not hammer the row.
    AccessPoint.objects.filter(pk=ap.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - timedelta(seconds=10))
    ).update(last_seen_at=now)
    ap.last_seen_at = now
    if ap.status != ApStatus.ONLINE:
        _set_status(ap, ApStatus.ONLINE, now)


def access_points_sweep(now: datetime | None = None) -> int:
    """Job: an AP unheard for twice its heartbeat interval goes offline."""
    now = now or timezone.now()
    flipped = 0
    for ap in AccessPoint.objects.exclude(status=ApStatus.OFFLINE):
        limit = now - timedelta(seconds=2 * ap.heartbeat_interval)
        if ap.last_seen_at is None and ap.created_at > limit:
            continue  # newly registered: give it one grace period
        if ap.last_seen_at is None or ap.last_seen_at < limit:
            with transaction.atomic():
                flipped += _set_status(ap, ApStatus.OFFLINE, now)
    return flipped


# --------------------------------------------------------------------------- quota groups


@transaction.atomic
def quota_group_save(*, actor: Actor, group: QuotaGroup | None = None, **fields) -> QuotaGroup:
    _require(actor, "wifi.change_quotagroup" if group else "wifi.add_quotagroup")
    name = (fields.get("name") or "").strip()
    if not name:
        raise Invalid(_("Nama grup wajib diisi."), errors={"name": [_("Wajib diisi.")]})
    creating = group is None
    group = group or QuotaGroup()
    before = snapshot(group, GROUP_FIELDS) if not creating else {}
    for key in GROUP_FIELDS:
        if key in fields:
            value = fields[key]
            if key not in ("name", "is_default") and (value is None or int(value) < 0):
                raise Invalid(_("Batas tidak boleh negatif."), errors={key: [_("≥ 0")]})
            setattr(group, key, name if key == "name" else value)
    if group.simultaneous_use < 1:
        raise Invalid(_("Perangkat bersamaan minimal 1."), errors={"simultaneous_use": [_("≥ 1")]})
    if QuotaGroup.objects.filter(name__iexact=name).exclude(pk=group.pk).exists():
        raise Conflict(_("Grup dengan nama ini sudah ada."))
    if group.is_default:
        # Only one default group: the previous default steps down in the same transaction.
        QuotaGroup.objects.filter(is_default=True).exclude(pk=group.pk).update(is_default=False)
    group.save()
    audit_record(
        actor=actor,
        action="wifi.group.create" if creating else "wifi.group.update",
        obj=group,
        changes=diff(before, snapshot(group, GROUP_FIELDS)),
    )
    return group


# --------------------------------------------------------------------------- vouchers


@transaction.atomic
def voucher_batch_create(
    *,
    actor: Actor,
    name: str,
    group: QuotaGroup,
    count: int,
    valid_days: int,
    park: Park | None = None,
) -> tuple[VoucherBatch, list[str]]:
    """Generate ``count`` vouchers; returns the batch and the plain codes (for the sheet)."""
    _require(actor, "wifi.add_voucherbatch")
    if not 1 <= count <= 500:
        raise Invalid(_("Jumlah voucher 1–500 per kumpulan."), errors={"count": ["1–500"]})
    if not 1 <= valid_days <= 366:
        raise Invalid(_("Masa berlaku 1–366 hari."), errors={"valid_days": ["1–366"]})
    batch = VoucherBatch.objects.create(
        name=(name or "").strip()[:120] or _("Voucher"),
        group=group,
        park=park,
        count=count,
        expires_at=timezone.now() + timedelta(days=valid_days),
        created_by=actor.user,
    )
    codes = [crypto.new_voucher_code() for _ in range(count)]
    Voucher.objects.bulk_create(
        Voucher(
            batch=batch,
            code_digest=crypto.keyed_digest(code, purpose="voucher"),
            code_encrypted=crypto.encrypt(code),
        )
        for code in codes
    )
    audit_record(
        actor=actor,
        action="wifi.voucher_batch.create",
        obj=batch,
        changes={"count": [None, count], "group": [None, group.name]},
    )
    return batch, codes


def voucher_codes(*, actor: Actor, batch: VoucherBatch) -> list[tuple[Voucher, str]]:
    _require(actor, "wifi.view_voucherbatch")
    audit_record(actor=actor, action="wifi.voucher_batch.print", obj=batch)
    return [(v, crypto.decrypt(v.code_encrypted)) for v in batch.vouchers.all()]


# --------------------------------------------------------------------------- announcements


@transaction.atomic
def announcement_create(
    *,
    actor: Actor,
    text: str,
    park: Park | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Announcement:
    _require(actor, "wifi.add_announcement")
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Teks pengumuman wajib diisi."), errors={"text": [_("Wajib diisi.")]})
    item = Announcement.objects.create(
        text=text[:300], park=park, starts_at=starts_at or timezone.now(), ends_at=ends_at
    )
    audit_record(actor=actor, action="wifi.announcement.create", obj=item)
    return item


# --------------------------------------------------------------------------- portal


@dataclass
class Login:
    subscriber: Subscriber
    credential: str  # plain, shown once to the phone's browser to post to the router


def normalize_phone(raw: str) -> str:
    try:
        number = phonenumbers.parse((raw or "").strip(), "ID")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number)
        not in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
    ):
        raise Invalid(
            _("Nomor ponsel tidak valid."),
            errors={"phone": [_("Nomor ponsel tidak valid. Contoh: 0812 3456 7890")]},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_locked(phone_digest: str, now: datetime) -> bool:
    since = now - timedelta(seconds=conf.OTP_LOCK_WINDOW_SECONDS)
    return (
        PortalFailure.objects.filter(kind="otp", phone_digest=phone_digest, at__gte=since).count()
        >= conf.OTP_LOCK_FAILURES
    )


def otp_request(*, phone: str, ip: str | None, accept_terms: bool) -> OtpChallenge:
    """Send a one-time code to ``phone``. Limits per number and per IP per hour.

    The SMS goes through the core outbox (``challenge.delivery``): it leaves after commit and
    a failing gateway is retried from there. The challenge counts against the limits whatever
    became of the SMS, so a failing gateway cannot be hammered through the portal."""
    if not accept_terms:
        raise Invalid(
            _("Anda perlu menyetujui ketentuan penggunaan."), errors={"terms": [_("Wajib.")]}
        )
    e164 = normalize_phone(phone)
    digest = crypto.keyed_digest(e164, purpose="phone")
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    with transaction.atomic():
        if _phone_locked(digest, now):
            raise NotAllowed(_("Terlalu banyak kode salah. Coba lagi 30 menit lagi."))
        if (
            OtpChallenge.objects.filter(phone_digest=digest, created_at__gte=hour_ago).count()
            >= conf.OTP_PER_NUMBER_PER_HOUR
        ):
            raise NotAllowed(_("Batas pengiriman kode untuk nomor ini tercapai. Coba lagi nanti."))
        if ip and (
            OtpChallenge.objects.filter(ip=ip, created_at__gte=hour_ago).count()
            >= conf.OTP_PER_IP_PER_HOUR
        ):
            raise NotAllowed(_("Terlalu banyak permintaan dari perangkat ini. Coba lagi nanti."))
        code = crypto.new_otp()
        challenge = OtpChallenge.objects.create(
            phone_digest=digest,
            code_digest=crypto.keyed_digest(f"{digest}:{code}", purpose="otp"),
            ip=ip,
            created_at=now,
            expires_at=now + timedelta(seconds=conf.OTP_TTL_SECONDS),
        )
        message = _("Kode Wi-Fi Taman Kota Serang: %(code)s. Berlaku 5 menit. Jangan bagikan.") % {
            "code": code
        }
        # The SMS is a row in the core outbox, written in this transaction (a rolled-back
        # request texts no one) and sent after commit, outside the request; a gateway failure
        # is retried from there and shown to the operators on the Wi-Fi pages.
        challenge.delivery = notify(
            kind="sms",
            target=e164,
            message=Message(
                title="",
                body=message,
                ref=f"{conf.OTP_SMS_REF}{challenge.pk}",
                data={"secret": True},
            ),
        )
    return challenge


def _issue(subscriber: Subscriber, now: datetime) -> Login:
    credential = crypto.new_credential()
    subscriber.credential_digest = crypto.keyed_digest(credential, purpose="credential")
    subscriber.credential_expires_at = now + timedelta(hours=conf.CREDENTIAL_TTL_HOURS)
    subscriber.save(update_fields=["credential_digest", "credential_expires_at"])
    return Login(subscriber, credential)


def otp_verify(*, phone: str, code: str, ip: str | None) -> Login:
    e164 = normalize_phone(phone)
    digest = crypto.keyed_digest(e164, purpose="phone")
    now = timezone.now()
    code = re.sub(r"\D", "", code or "")
    with transaction.atomic():
        if _phone_locked(digest, now):
            raise NotAllowed(_("Terlalu banyak kode salah. Coba lagi 30 menit lagi."))
        # Row lock: two guesses racing on one challenge cannot both escape the attempt count.
        challenge = (
            OtpChallenge.objects.select_for_update()
            .filter(phone_digest=digest, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if challenge is None or challenge.attempts >= conf.OTP_MAX_ATTEMPTS:
            raise Invalid(_("Kode kedaluwarsa atau sudah dipakai. Minta kode baru."))
        wanted = crypto.keyed_digest(f"{digest}:{code}", purpose="otp")
        if not crypto.same(wanted, challenge.code_digest):
            challenge.attempts = F("attempts") + 1
            challenge.save(update_fields=["attempts"])
            PortalFailure.objects.create(kind="otp", phone_digest=digest, ip=ip, at=now)
            failed = True
        else:
            failed = False
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
            group = QuotaGroup.objects.filter(is_default=True).first()
            if group is None:
                raise Invalid(_("Layanan Wi-Fi belum dikonfigurasi (grup bawaan)."))
            subscriber = Subscriber.objects.select_for_update().filter(phone_digest=digest).first()
            if subscriber is None:
                try:
                    with transaction.atomic():
                        subscriber = Subscriber.objects.create(
                            username=f"p{crypto.new_credential()[:11]}",
                            kind=SubscriberKind.PHONE,
                            phone_digest=digest,
                            group=group,
                            terms_accepted_at=now,
                        )
                except IntegrityError:
                    # Two verifications of one number racing: the other created the row.
                    subscriber = Subscriber.objects.get(phone_digest=digest)
            if not subscriber.is_active:
                raise NotAllowed(_("Akun Wi-Fi ini dinonaktifkan."))
            login = _issue(subscriber, now)
    if failed:
        raise Invalid(_("Kode salah."), errors={"code": [_("Periksa kembali kode dari SMS.")]})
    return login


def voucher_redeem(*, code: str, ip: str | None) -> Login:
    now = timezone.now()
    normalized = crypto.normalize_voucher(code)
    since = now - timedelta(seconds=conf.VOUCHER_LOCK_WINDOW_SECONDS)
    with transaction.atomic():
        if ip and (
            PortalFailure.objects.filter(kind="voucher", ip=ip, at__gte=since).count()
            >= conf.VOUCHER_FAILURES_PER_IP
        ):
            raise NotAllowed(_("Terlalu banyak kode voucher salah. Coba lagi 15 menit lagi."))
        voucher = (
            Voucher.objects.select_for_update()
            .select_related("batch__group")
            .filter(code_digest=crypto.keyed_digest(normalized, purpose="voucher"))
            .first()
        )
        if voucher is None or voucher.batch.expires_at <= now:
            PortalFailure.objects.create(kind="voucher", ip=ip, at=now)
            failed = True
        else:
            failed = False
            subscriber = Subscriber.objects.filter(voucher=voucher).first()
            if subscriber is None:
                subscriber = Subscriber.objects.create(
                    username=f"v{crypto.new_credential()[:11]}",
                    kind=SubscriberKind.VOUCHER,
                    voucher=voucher,
                    group=voucher.batch.group,
                    expires_at=voucher.batch.expires_at,
                    terms_accepted_at=now,
                )
                voucher.used_at = now
                voucher.save(update_fields=["used_at"])
            login = _issue(subscriber, now)
    if failed:
        raise Invalid(_("Kode voucher tidak dikenal atau kedaluwarsa."))
    return login


# --------------------------------------------------------------------------- RADIUS


@dataclass
class AuthAnswer:
    accept: bool
    reply: dict = field(default_factory=dict)
    message: str = ""


GROUP_COLUMNS = (
    "id",
    "name",
    "daily_seconds",
    "daily_octets",
    "monthly_octets",
    "simultaneous_use",
    "rate_down_kbps",
    "rate_up_kbps",
)
# Hand-written SQL on the RADIUS path (see kendali.wifi.counters.USAGE_SQL for why).
SUBSCRIBER_SQL = (
    "SELECT s.id, s.username, s.credential_digest, s.credential_expires_at, s.expires_at,"
    " s.is_active, g.id, g.name, g.daily_seconds, g.daily_octets, g.monthly_octets,"
    " g.simultaneous_use, g.rate_down_kbps, g.rate_up_kbps"
    " FROM wifi_subscriber s JOIN wifi_quotagroup g ON g.id = s.group_id"
    " WHERE s.username = %s"
)


def _subscriber_for_radius(username: str) -> Subscriber | None:
    with connection.cursor() as cursor:
        cursor.execute(SUBSCRIBER_SQL, [username[:40]])
        row = cursor.fetchone()
    if row is None:
        return None
    convert = getattr(connection.ops, "convert_datetimefield_value", None)

    def dt(value):
        return convert(value, None, connection) if convert and value is not None else value

    group = QuotaGroup(**dict(zip(GROUP_COLUMNS, row[6:], strict=True)))
    return Subscriber(
        id=row[0],
        username=row[1],
        credential_digest=row[2],
        credential_expires_at=dt(row[3]),
        expires_at=dt(row[4]),
        is_active=bool(row[5]),
        group=group,
    )


def radius_authorize(
    *, ap: AccessPoint, username: str, password: str, now: datetime | None = None
) -> AuthAnswer:
    """Decide a PAP login: two indexed queries (the subscriber, then its counters)."""
    now = now or timezone.now()
    subscriber = _subscriber_for_radius(username) if username else None
    wanted = crypto.keyed_digest(password or "", purpose="credential")
    # Constant-time compare even for unknown users, so timing does not reveal usernames.
    stored = (
        subscriber.credential_digest if subscriber and subscriber.credential_digest else "0" * 64
    )
    valid = crypto.same(wanted, stored) and subscriber is not None
    if (
        not valid
        or subscriber.credential_expires_at is None
        or subscriber.credential_expires_at <= now
    ):
        return AuthAnswer(False, message=_("Nama pengguna atau kata sandi salah."))
    if not subscriber.is_active or (subscriber.expires_at and subscriber.expires_at <= now):
        return AuthAnswer(False, message=_("Akun Wi-Fi ini sudah tidak berlaku."))
    usage = counters.usage_of(subscriber, now=now)
    verdict = counters.check(subscriber.group, usage)
    if verdict:
        return AuthAnswer(False, message=verdict)
    return AuthAnswer(True, reply=counters.reply_attributes(subscriber.group, usage))


def radius_post_auth(*, ap: AccessPoint, username: str, accepted: bool, reason: str = "") -> None:
    """Only refusals are recorded (accepts are visible in accounting)."""
    if accepted:
        return
    RadiusEvent.objects.create(
        at=timezone.now(),
        kind="auth",
        result=AuthResult.REJECT,
        username=username[:64],
        source_ip=ap.nas_ip,
        access_point=ap,
        reason=reason[:250],
    )


def radius_problem(
    *, kind: str, source_ip: str | None, reason: str, ap: AccessPoint | None = None, payload=None
) -> None:
    logger.warning("wifi radius %s from %s: %s", kind, source_ip, reason)
    try:
        ipaddress.ip_address(source_ip or "")
    except ValueError:
        source_ip = None
    RadiusEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        source_ip=source_ip,
        access_point=ap,
        reason=reason[:250],
        payload=payload or {},
    )


ACCT_TYPES = {"Start", "Interim-Update", "Stop", "Accounting-On", "Accounting-Off"}


def _octets(attrs: dict, name: str) -> int:
    low = int(attrs.get(f"Acct-{name}-Octets") or 0)
    high = int(attrs.get(f"Acct-{name}-Gigawords") or 0)
    if low < 0 or high < 0:
        raise ValueError("negative counter")
    return (high << 32) + low


def radius_accounting(*, actor: Actor, ap: AccessPoint, attrs: dict) -> str:
    """Record one accounting packet. Returns "created", "updated", "closed:<n>" or raises
    ValueError for malformed packets (the caller records them; no session is touched)."""
    status = attrs.get("Acct-Status-Type")
    if status not in ACCT_TYPES:
        raise ValueError(f"unknown Acct-Status-Type {status!r}")
    now = timezone.now()
    access_point_heartbeat(actor=actor, ap=ap, at=now)
    if status in ("Accounting-On", "Accounting-Off"):
        # The NAS rebooted or shut down: every session it still had open is over.
        closed = RadiusSession.objects.filter(access_point=ap, stopped_at__isnull=True).update(
            stopped_at=now, updated_at=now, terminate_cause="NAS-Reboot"
        )
        return f"closed:{closed}"
    session_id = str(attrs.get("Acct-Session-Id") or "")[:64]
    username = str(attrs.get("User-Name") or "")[:64]
    if not session_id or not username:
        raise ValueError("Acct-Session-Id and User-Name are required")
    try:
        session_time = int(attrs.get("Acct-Session-Time") or 0)
        input_octets, output_octets = _octets(attrs, "Input"), _octets(attrs, "Output")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"bad counter: {exc}") from None
    if session_time < 0:
        raise ValueError("negative Acct-Session-Time")
    framed_ip = attrs.get("Framed-IP-Address") or None
    if framed_ip:
        try:
            ipaddress.ip_address(framed_ip)
        except ValueError:
            raise ValueError("bad Framed-IP-Address") from None
    unique_id = str(
        attrs.get("Acct-Unique-Session-Id")
        or crypto.keyed_digest(f"{ap.nas_ip}:{session_id}:{username}", purpose="acct")[:32]
    )[:64]
    stopped = status == "Stop"
    with transaction.atomic():
        # Row lock: an Interim-Update and a Stop of one session arriving together are applied
        # one after the other, and counters never move backwards.
        session = RadiusSession.objects.select_for_update().filter(unique_id=unique_id).first()
        if session is None:
            subscriber = Subscriber.objects.filter(username=username).only("pk").first()
            calling = str(attrs.get("Calling-Station-Id") or "")
            try:
                with transaction.atomic():
                    RadiusSession.objects.create(
                        unique_id=unique_id,
                        session_id=session_id,
                        username=username,
                        subscriber=subscriber,
                        access_point=ap,
                        park_id=ap.park_id,
                        nas_ip=ap.nas_ip,
                        framed_ip=framed_ip,
                        device_digest=crypto.keyed_digest(calling.upper(), purpose="device")
                        if calling
                        else "",
                        started_at=now - timedelta(seconds=session_time),
                        updated_at=now,
                        stopped_at=now if stopped else None,
                        session_time=session_time,
                        input_octets=input_octets,
                        output_octets=output_octets,
                        terminate_cause=str(attrs.get("Acct-Terminate-Cause") or "")[:40],
                    )
                return "created"
            except IntegrityError:
                # A duplicate Start retransmitted by the NAS: update the existing row instead.
                session = RadiusSession.objects.select_for_update().get(unique_id=unique_id)
        session.session_time = max(session.session_time, session_time)
        session.input_octets = max(session.input_octets, input_octets)
        session.output_octets = max(session.output_octets, output_octets)
        session.updated_at = now
        if framed_ip:
            session.framed_ip = framed_ip
        if stopped and session.stopped_at is None:
            session.stopped_at = now
            session.terminate_cause = str(attrs.get("Acct-Terminate-Cause") or "")[:40]
        session.save()
    return "updated"


# --------------------------------------------------------------------------- jobs


def usage_rollup(day=None) -> int:
    """Job: recompute today's and yesterday's per-park usage (WIB days)."""
    today = timezone.localdate()
    days = [day] if day else [today - timedelta(days=1), today]
    return sum(rollup_day(d) for d in days)


def accounting_purge(now: datetime | None = None) -> int:
    """Job: delete raw accounting older than the retention (rolled-up usage stays)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=conf.accounting_retention_days())
    deleted, _ = RadiusSession.objects.filter(
        stopped_at__isnull=False, started_at__lt=cutoff
    ).delete()
    RadiusEvent.objects.filter(at__lt=cutoff).delete()
    OtpChallenge.objects.filter(created_at__lt=now - timedelta(days=2)).delete()
    PortalFailure.objects.filter(at__lt=now - timedelta(days=2)).delete()
    return deleted
