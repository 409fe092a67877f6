"""Every write of citizen reports: categories and routing, reports and their handling
(SP4N-LAPOR! verify / hold / not our authority / archive, follow-up, reopen, finish),
moderation, escalation to a 112 incident, the BMD link and phone verification."""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import re
import secrets
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kendali.core import services as core_services
from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.events import publish
from kendali.core.models import Agency, MachineToken
from kendali.core.notifiers import CHANNELS, Message, notify, notify_agency
from kendali.core.scope import may_see_agency
from kendali.incidents import selectors as incident_selectors
from kendali.incidents import services as incident_services
from kendali.regions.locate import locate
from kendali.regions.selectors import regions
from kendali.reports import deadlines
from kendali.reports.choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Geometry,
    HideReason,
    ReportStatus,
    Source,
    Stage,
    UpdateKind,
)
from kendali.reports.models import (
    Category,
    PhoneChallenge,
    Report,
    ReportContact,
    ReportPhoto,
    ReportUpdate,
    RoutingRule,
)
from kendali.reports.selectors import MAP_VERSION_KEY

logger = logging.getLogger(__name__)

REPORT_FIELDS = [
    "category",
    "status",
    "stage",
    "agency",
    "status_notes",
    "hidden",
    "hidden_reason",
    "asset_code",
    "incident_number",
    "forwarded_at",
    "followup_at",
    "closed_at",
]
MAX_DESCRIPTION = 4000  # the Open311 limit
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_LONG_SIDE = 1600
SERVICE_AREA = {"lat": (-6.45, -5.85), "lon": (105.85, 106.45)}
DUPLICATE_METERS = 100
OTP_TTL = timedelta(minutes=10)
OTP_MAX_ATTEMPTS = 5

# Text that identifies a person is masked before a description is public.
_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+?62|0)[\s.-]?8\d{1,3}(?:[\s.-]?\d{2,4}){2,3}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def setting_int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def mask_personal(text: str) -> str:
    """Phone numbers, NIK (16 digits) and e-mail addresses replaced before publication."""
    text = _NIK.sub("[NIK disembunyikan]", text or "")
    text = _EMAIL.sub("[e-mail disembunyikan]", text)
    return _PHONE.sub("[nomor disembunyikan]", text)


def submitter_hash(value: str) -> str:
    """A keyed digest of an IP address or phone, for rate limits without storing either."""
    return hmac.new(
        settings.SECRET_KEY.encode(), (value or "").encode(), hashlib.sha256
    ).hexdigest()


def normalize_phone(raw: str) -> str:
    try:
        number = phonenumbers.parse((raw or "").strip(), "ID")
    except phonenumbers.NumberParseException:
        raise Invalid(_("Nomor telepon tidak dikenali."))
    if not phonenumbers.is_valid_number(number):
        raise Invalid(_("Nomor telepon tidak valid."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _require(actor: Actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(message)


def _require_act(actor: Actor, report: Report, perm: str = "reports.act_report") -> None:
    # Outside the actor's scope first: a report of another OPD is a 404, never a 403.
    if not may_see_agency(actor, report.agency_id):
        raise NotFound(_("Laporan tidak ditemukan."))
    _require(actor, perm, _("Peran Anda tidak berhak menangani laporan warga."))


def _locked(report: Report) -> Report:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the agency join.
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "agency")
        .get(pk=report.pk)
    )


def _add_update(report: Report, kind: str, note: str = "", *, by: str = "", public=True) -> None:
    ReportUpdate.objects.create(
        report=report,
        kind=kind,
        status=report.status,
        note=mask_personal(note)[:2000] if public else note[:2000],
        by_label=by[:120],
        is_public=public,
    )


def _by_label(actor: Actor, report: Report) -> str:
    if actor.user is not None and actor.user.agency is not None:
        return actor.user.agency.short_name
    return report.agency.short_name if report.agency is not None else _("Pemerintah Kota Serang")


def _map_changed() -> None:
    try:
        cache.incr(MAP_VERSION_KEY)
    except ValueError:
        cache.set(MAP_VERSION_KEY, 1, None)


def _publish(report: Report, verb: str) -> None:
    transaction.on_commit(_map_changed)
    publish(
        f"reports.report.{verb}",
        {
            "id": report.pk,
            "tracking": report.tracking,
            "status": report.status,
            "stage": report.stage,
            "category": report.category.code,
        },
        perm="reports.view_report",
        agency_ids=[report.agency_id] if report.agency_id else [],
    )


def _notify_reporter(report: Report, text: str) -> None:
    """An SMS to the reporter's verified phone at every status change (no channel, no SMS)."""
    contact = ReportContact.objects.filter(report=report, phone_verified=True).first()
    if contact is None or not contact.phone_e164:
        return
    if "sms" not in CHANNELS:
        logger.warning("no sms channel registered; reporter of %s not told", report.tracking)
        return
    notify(
        kind="sms",
        target=contact.phone_e164,
        message=Message(
            title=_("Laporan %(nomor)s") % {"nomor": report.tracking},
            body=text[:300],
            url=f"/lapor/{report.tracking}/",
            ref=f"reports.report:{report.pk}",
        ),
    )


def _status_text(report: Report) -> str:
    return _("Laporan %(nomor)s: %(status)s.") % {
        "nomor": report.tracking,
        "status": report.get_status_display(),
    }


# --- categories and routing -------------------------------------------------------------


CATEGORY_FIELDS = [
    "name",
    "description",
    "group",
    "keywords",
    "geometry",
    "agency",
    "is_emergency",
    "incident_type_code",
    "attributes",
    "order",
    "is_active",
]
_CATEGORY_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
_CATEGORY_LENGTHS = {"name": 120, "description": 300, "group": 80, "keywords": 200}


def _incident_type_known(code: str) -> bool:
    return code in dict(incident_selectors.type_choices())


@transaction.atomic
def category_save(
    *,
    actor: Actor,
    code: str,
    name: str,
    agency: Agency | None,
    description: str = "",
    group: str = "",
    keywords: str = "",
    geometry: str = Geometry.POINT,
    is_emergency: bool = False,
    incident_type_code: str = "",
    attributes: list | None = None,
    order: int = 100,
    is_active: bool = True,
    creating: bool = False,
) -> Category:
    """Create or change a category (its ``code`` is the Open311 ``service_code`` and never
    changes). ``creating``: the code must be new (the editor's "new category" form), so a
    typo cannot overwrite another category. ``attributes=None`` keeps a category's Open311
    attributes as they are."""
    _require(actor, "reports.change_category", _("Peran Anda tidak berhak mengubah kategori."))
    code = (code or "").strip()
    if not _CATEGORY_CODE.fullmatch(code):
        raise Invalid(
            _("Kode kategori: 2–40 huruf kecil, angka atau tanda hubung."),
            errors={"code": [_("Gunakan huruf kecil, angka atau tanda hubung.")]},
        )
    texts = {
        "name": strip_tags(name or "").strip(),
        "description": strip_tags(description or "").strip(),
        "group": strip_tags(group or "").strip(),
        "keywords": strip_tags(keywords or "").strip(),
    }
    if not texts["name"]:
        raise Invalid(_("Nama kategori wajib diisi."), errors={"name": [_("Wajib diisi.")]})
    for field, limit in _CATEGORY_LENGTHS.items():
        if len(texts[field]) > limit:
            message = _("Paling panjang %(n)d karakter.") % {"n": limit}
            raise Invalid(message, errors={field: [message]})
    if geometry not in Geometry.values:
        raise Invalid(_("Bentuk lokasi tidak dikenal."), errors={"geometry": [_("Pilih.")]})
    if agency is not None and not agency.is_active:
        message = _("OPD penanggung jawab tidak aktif.")
        raise Invalid(message, errors={"agency": [message]})
    incident_type_code = (incident_type_code or "").strip()
    if incident_type_code and not _incident_type_known(incident_type_code):
        message = _("Jenis kejadian 112 tidak dikenal.")
        raise Invalid(message, errors={"incident_type_code": [message]})
    if is_emergency and not incident_type_code:
        message = _("Kategori darurat perlu jenis kejadian 112 untuk eskalasi.")
        raise Invalid(message, errors={"incident_type_code": [message]})
    if not 0 <= int(order) <= 10_000:
        message = _("Urutan di antara 0 dan 10.000.")
        raise Invalid(message, errors={"order": [message]})
    # Race: two editors saving one category; the row lock makes the second wait and its
    # audit entry record the first one's values as "before".
    found = Category.objects.select_for_update().filter(code=code).first()
    created = found is None
    category = Category(code=code) if found is None else found
    if not created and creating:
        message = _("Kode %(kode)s sudah dipakai kategori lain.") % {"kode": code}
        raise Conflict(message, errors={"code": [message]})
    before = {} if created else snapshot(category, CATEGORY_FIELDS)
    category.name = texts["name"]
    category.description = texts["description"]
    category.group = texts["group"]
    category.keywords = texts["keywords"]
    category.agency = agency
    category.geometry = geometry
    category.is_emergency = is_emergency
    category.incident_type_code = incident_type_code
    if attributes is not None or created:
        category.attributes = attributes or []
    category.order = int(order)
    category.is_active = is_active
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        # Race: the same new code created by someone else between the read and the insert.
        message = _("Kode %(kode)s sudah dipakai kategori lain.") % {"kode": code}
        raise Conflict(message, errors={"code": [message]})
    routing_changed()
    transaction.on_commit(routing_changed)
    audit_record(
        actor=actor,
        action="reports.category.create" if created else "reports.category.update",
        obj=category,
        changes=diff(before, snapshot(category, CATEGORY_FIELDS)),
    )
    return category


def _routing_agency(agency: Agency | None) -> Agency:
    if agency is None or not agency.is_active:
        message = _("Pilih instansi yang aktif.")
        raise Invalid(message, errors={"agency": [message]})
    return agency


@transaction.atomic
def routing_rule_set(
    *, actor: Actor, category: Category, kelurahan_kode: str, agency: Agency | None
) -> RoutingRule:
    """The body that handles this category in one kelurahan (a kelurahan office, say); it
    wins over the category's OPD. An empty kelurahan is the category's city-wide rule."""
    _require(actor, "reports.change_category", _("Peran Anda tidak berhak mengubah rute."))
    agency = _routing_agency(agency)
    kelurahan_kode = (kelurahan_kode or "").strip()
    kelurahan = (
        regions(level="kelurahan").filter(kode=kelurahan_kode).first() if kelurahan_kode else None
    )
    if kelurahan_kode and kelurahan is None:
        message = _("Kelurahan tidak dikenal.")
        raise Invalid(message, errors={"kelurahan": [message]})
    rule = (
        RoutingRule.objects.select_for_update()
        .filter(category=category, kelurahan=kelurahan)
        .first()
    )
    before = None if rule is None else rule.agency_id
    if rule is None:
        rule = RoutingRule(category=category, kelurahan=kelurahan)
    rule.agency = agency
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        # Race: the same kelurahan rule created by someone else since the read above.
        raise Conflict(_("Aturan rute ini baru saja diubah orang lain. Muat ulang halaman."))
    routing_changed()
    transaction.on_commit(routing_changed)
    audit_record(
        actor=actor,
        action="reports.routing.set",
        obj=rule,
        changes={"agency": [before, agency.pk]} if before != agency.pk else {},
        note=f"{category.code} {kelurahan_kode or '*'}",
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: Actor, rule: RoutingRule) -> None:
    """The kelurahan goes back to the category's OPD."""
    _require(actor, "reports.change_category", _("Peran Anda tidak berhak mengubah rute."))
    rule = RoutingRule.objects.select_for_update().select_related("category").get(pk=rule.pk)
    audit_record(
        actor=actor,
        action="reports.routing.delete",
        obj=rule,
        changes={"agency": [rule.agency_id, None]},
        note=f"{rule.category.code} {rule.kelurahan_id or '*'}",
    )
    rule.delete()
    routing_changed()
    transaction.on_commit(routing_changed)


_ROUTE_TTL = 60.0  # seconds a process keeps categories and rules (several processes)
_route_cache: dict[str, object] = {"at": 0.0, "categories": {}, "rules": {}, "regions": set()}


def _routing_tables() -> tuple[dict[str, Category], dict[tuple[int, str], int]]:
    """Active categories by code and rules {(category id, kelurahan or ""): agency id},
    kept for a minute per process so a burst of Open311 posts does not re-read them; the
    Region codes too, so a report's kelurahan is set without a read."""
    now = time.monotonic()
    if now - float(_route_cache["at"]) > _ROUTE_TTL:  # type: ignore[arg-type]
        _route_cache["categories"] = {
            c.code: c for c in Category.objects.filter(is_active=True).select_related("agency")
        }
        _route_cache["rules"] = {
            (r.category_id, r.kelurahan_id or ""): r.agency_id for r in RoutingRule.objects.all()
        }
        _route_cache["regions"] = set(regions().values_list("kode", flat=True))
        _route_cache["at"] = now
    return _route_cache["categories"], _route_cache["rules"]  # type: ignore[return-value]


def _region_id(kode: str | None) -> str | None:
    """The Region row's key for a located code; None when the regions are not loaded."""
    _routing_tables()
    return kode if kode and kode in _route_cache["regions"] else None  # type: ignore[operator]


def routing_changed() -> None:
    _route_cache["at"] = 0.0


def route_id(category: Category, kelurahan_kode: str) -> int | None:
    """The body responsible: the kelurahan's own rule, else the category's, else its OPD."""
    _categories, rules = _routing_tables()
    if kelurahan_kode and (category.pk, kelurahan_kode) in rules:
        return rules[(category.pk, kelurahan_kode)]
    return rules.get((category.pk, "")) or category.agency_id


def route(category: Category, kelurahan_kode: str) -> Agency | None:
    agency_id = route_id(category, kelurahan_kode)
    return Agency.objects.filter(pk=agency_id).first() if agency_id else None


# --- creating a report ------------------------------------------------------------------


_LAST_TRACKING_SQL = (
    "SELECT tracking FROM {table} WHERE tracking >= %s AND tracking < %s "
    "ORDER BY tracking DESC LIMIT 1"
)


def _next_tracking(year: int) -> str:
    """LW-2026-004821: "Laporan Warga", the year and a sequence, easy to read aloud."""
    prefix = f"LW-{year}-"
    # A range, not startswith: SQLite's LIKE is case-insensitive and skips the index. One
    # plain statement on the unique index: the same query through the ORM cost ~0.4 ms of
    # Python per report, a seventh of an Open311 POST (bench/reports_public.py).
    with connection.cursor() as cursor:
        cursor.execute(
            _LAST_TRACKING_SQL.format(table=connection.ops.quote_name(Report._meta.db_table)),
            [prefix, f"{prefix}~"],
        )
        row = cursor.fetchone()
    number = int(row[0].rsplit("-", 1)[1]) + 1 if row else 1
    return f"{prefix}{number:06d}"


def _check_point(lat, lon) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise Invalid(_("Koordinat tidak valid."))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid(_("Koordinat di luar jangkauan."))
    if not (
        SERVICE_AREA["lat"][0] <= lat <= SERVICE_AREA["lat"][1]
        and SERVICE_AREA["lon"][0] <= lon <= SERVICE_AREA["lon"][1]
    ):
        raise Invalid(_("Lokasi berada jauh di luar Kota Serang."))
    return lat, lon


def _line(points) -> list[list[float]]:
    if not isinstance(points, list | tuple) or not 2 <= len(points) <= 50:
        raise Invalid(_("Ruas jalan/saluran perlu 2 sampai 50 titik."))
    cleaned = []
    for point in points:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise Invalid(_("Titik ruas tidak valid."))
        cleaned.append(list(_check_point(point[0], point[1])))
    return cleaned


def _clean_photo(upload) -> tuple[bytes, int, int]:
    """Type and size checked, decoded, re-encoded as JPEG without EXIF (camera position)."""
    size = getattr(upload, "size", None)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if (size is not None and size > MAX_PHOTO_BYTES) or len(data) > MAX_PHOTO_BYTES:
        raise Invalid(_("Foto terlalu besar (maksimal 8 MB)."))
    Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format not in ("JPEG", "PNG", "WEBP"):
                raise Invalid(_("Foto harus berupa JPEG, PNG atau WebP."))
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGB")
            image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
            out = io.BytesIO()
            # A fresh encode writes no EXIF, GPS or maker notes: only pixels leave here.
            image.save(out, format="JPEG", quality=82, optimize=True)
            return out.getvalue(), image.width, image.height
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise Invalid(_("Berkas bukan foto yang dapat dibaca."))


def _rate_limit(*, submitter: str, phone: str) -> None:
    since = timezone.now() - timedelta(hours=1)
    per_ip = setting_int("KENDALI_REPORTS_PER_IP_HOUR", 10)
    per_phone = setting_int("KENDALI_REPORTS_PER_PHONE_HOUR", 5)
    if (
        submitter
        and Report.objects.filter(submitter_hash=submitter, created_at__gte=since).count() >= per_ip
    ):
        raise Conflict(
            _("Terlalu banyak laporan dari alamat ini. Coba lagi dalam satu jam."),
            code="rate-limited",
        )
    if (
        phone
        and ReportContact.objects.filter(phone_e164=phone, report__created_at__gte=since).count()
        >= per_phone
    ):
        raise Conflict(
            _("Terlalu banyak laporan dari nomor ini. Coba lagi dalam satu jam."),
            code="rate-limited",
        )


def check_attributes(category: Category, values: dict | None) -> dict:
    """Open311 service attributes: required ones present, list values among the keys."""
    values = values or {}
    cleaned = {}
    for attribute in category.attributes:
        code = attribute["code"]
        value: Any = values.get(code)
        if value in (None, "", []):
            if attribute.get("required"):
                raise Invalid(
                    _("Atribut %(kode)s wajib diisi.") % {"kode": code}, code="missing-attribute"
                )
            continue
        keys = {str(v["key"]) for v in attribute.get("values", [])}
        if attribute.get("datatype") == "singlevaluelist" and str(value) not in keys:
            raise Invalid(_("Nilai atribut %(kode)s tidak dikenal.") % {"kode": code})
        if attribute.get("datatype") == "multivaluelist":
            value = value if isinstance(value, list) else [value]
            if any(str(v) not in keys for v in value):
                raise Invalid(_("Nilai atribut %(kode)s tidak dikenal.") % {"kode": code})
        if attribute.get("datatype") == "number":
            try:
                float(value)
            except (TypeError, ValueError):
                raise Invalid(_("Atribut %(kode)s harus berupa angka.") % {"kode": code})
        cleaned[code] = value
    return cleaned


def report_create(
    *,
    actor: Actor,
    category_code: str,
    description: str,
    lat=None,
    lon=None,
    line=None,
    address: str = "",
    photos: Iterable = (),
    reporter_name: str = "",
    phone: str = "",
    phone_verified: bool = False,
    email: str = "",
    asset_code: str = "",
    attributes: dict | None = None,
    source: str = Source.WEB,
    client: str = "",
    submitter: str = "",
) -> Report:
    """A new report from a citizen (anonymous actor), an Open311 client app or staff.

    ``submitter`` is the client IP (public page) for the rate limit; only its keyed digest
    is kept. Photos are re-encoded before the transaction starts (CPU, not locks)."""
    category = _routing_tables()[0].get(category_code or "")
    if category is None:
        raise Invalid(_("Kategori laporan tidak dikenal."), code="unknown-service")
    description = strip_tags(description or "").strip()
    if not description:
        raise Invalid(_("Uraikan masalahnya."))
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(_("Uraian paling panjang 4.000 karakter."))
    address = strip_tags(address or "").strip()[:300]
    points = None
    if line:
        if category.geometry != Geometry.LINE:
            raise Invalid(_("Kategori ini dilaporkan sebagai satu titik, bukan ruas."))
        points = _line(line)
        lat, lon = points[len(points) // 2]
    elif lat not in (None, "") or lon not in (None, ""):
        lat, lon = _check_point(lat, lon)
    else:
        lat = lon = None
        if not address:
            raise Invalid(_("Tandai lokasi di peta atau tulis alamatnya."), code="no-location")
    place = locate(lat, lon) if lat is not None else None
    phone_e164 = normalize_phone(phone) if (phone or "").strip() else ""
    email = (email or "").strip()[:254]
    cleaned_attributes = check_attributes(category, attributes)
    photo_list = list(photos or ())
    if len(photo_list) > MAX_PHOTOS:
        raise Invalid(_("Paling banyak 3 foto per laporan."))
    cleaned_photos = [_clean_photo(p) for p in photo_list]
    hashed = submitter_hash(submitter) if submitter else ""
    if source == Source.WEB:
        _rate_limit(submitter=hashed, phone=phone_e164)
    asset_code = re.sub(r"[^0-9A-Za-z.\-/]", "", asset_code or "")[:60]
    kelurahan = place.kelurahan_kode if place and place.kelurahan_kode else ""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return _create(
                    actor=actor,
                    category=category,
                    description=description,
                    lat=lat,
                    lon=lon,
                    points=points,
                    address=address,
                    place=place,
                    kelurahan=kelurahan,
                    photos=cleaned_photos,
                    reporter_name=strip_tags(reporter_name or "").strip()[:120],
                    phone_raw=(phone or "").strip()[:40],
                    phone_e164=phone_e164,
                    phone_verified=bool(phone_e164 and phone_verified),
                    email=email,
                    asset_code=asset_code,
                    attributes=cleaned_attributes,
                    source=source,
                    client=client,
                    hashed=hashed,
                )
        except IntegrityError:
            # Race: two reports created at once read the same last number; the unique
            # tracking number makes the second insert fail and it takes the next one.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _create(*, actor, category, place, kelurahan, photos, hashed, **fields) -> Report:
    now = timezone.now()
    agency_id = route_id(category, kelurahan)
    description = fields["description"]
    if fields["attributes"]:
        extra = "; ".join(f"{k}: {v}" for k, v in fields["attributes"].items())
        description = f"{description}\n[{extra}]"
    report = Report.objects.create(
        tracking=_next_tracking(timezone.localdate().year),
        token=secrets.token_urlsafe(18),
        category=category,
        description=description,
        public_description=mask_personal(description),
        address=fields["address"],
        lat=fields["lat"],
        lon=fields["lon"],
        line=fields["points"],
        kelurahan_id=_region_id(kelurahan),
        kecamatan_id=_region_id(place.kecamatan_kode) if place else None,
        outside_city=bool(place is not None and not place.inside),
        agency_id=agency_id,
        status=ReportStatus.OPEN,
        stage=Stage.NEW,
        source=fields["source"],
        client=fields["client"][:120],
        asset_code=fields["asset_code"],
        submitter_hash=hashed,
        created_at=now,
        updated_at=now,
        forward_due=deadlines.add_working_days(now, deadlines.FORWARD_DAYS),
    )
    if fields["reporter_name"] or fields["phone_e164"] or fields["email"]:
        ReportContact.objects.create(
            report=report,
            name=fields["reporter_name"],
            phone_raw=fields["phone_raw"],
            phone_e164=fields["phone_e164"],
            phone_verified=fields["phone_verified"],
            email=fields["email"],
        )
    for index, (data, width, height) in enumerate(photos):
        photo = ReportPhoto(report=report, width=width, height=height)
        photo.image.save(
            f"{report.tracking}-{index + 1}-{secrets.token_hex(4)}.jpg",
            ContentFile(data),
            save=False,
        )
        photo.save()
    _add_update(report, UpdateKind.CREATED, by=_("Pemerintah Kota Serang"))
    audit_record(
        actor=actor,
        action="reports.report.create",
        obj=report,
        changes=diff({}, snapshot(report, ["category", "status", "agency", "asset_code"])),
        note=fields["source"],
    )
    # No inbox notice per new report: the OPD's inbox page lists them with their timers and
    # the live event below refreshes it; notices are kept for what needs attention now
    # (a report referred to the OPD, a reporter objecting).
    _publish(report, "created")
    return report


# --- handling (SP4N-LAPOR!) -------------------------------------------------------------


def _save(actor: Actor, report: Report, before: dict, action: str, note: str = "") -> None:
    report.updated_at = timezone.now()
    report.save()
    audit_record(
        actor=actor,
        action=action,
        obj=report,
        changes=diff(before, snapshot(report, REPORT_FIELDS)),
        note=note[:500],
    )


@transaction.atomic
def report_verify(*, actor: Actor, report: Report, note: str = "") -> Report:
    """Verified and forwarded to the responsible OPD (LAPOR! "Verifikasi"); the follow-up
    clock of 5 working days starts."""
    report = _locked(report)
    _require_act(actor, report)
    if report.stage not in (Stage.NEW, Stage.ON_HOLD):
        raise Conflict(_("Laporan ini sudah diverifikasi."))
    if report.hidden:
        raise Conflict(_("Laporan yang disembunyikan tidak dapat diteruskan."))
    before = snapshot(report, REPORT_FIELDS)
    now = timezone.now()
    report.stage = Stage.FORWARDED
    if report.forwarded_at is None:
        report.forwarded_at = now
    report.followup_due = deadlines.add_working_days(now, deadlines.FOLLOWUP_DAYS)
    report.held_at = None
    _save(actor, report, before, "reports.report.verify", note)
    _add_update(report, UpdateKind.VERIFIED, note, by=_by_label(actor, report))
    _publish(report, "verified")
    return report


@transaction.atomic
def report_hold(*, actor: Actor, report: Report, reason: str) -> Report:
    """LAPOR! "Tunda": waiting for something (a clearer location, a photo); timers keep
    running so a hold is never a way to hide a late report."""
    report = _locked(report)
    _require_act(actor, report)
    if not (reason or "").strip():
        raise Invalid(_("Tulis alasan penundaan."))
    if report.status in CLOSED_STATUSES or report.stage == Stage.ARCHIVED:
        raise Conflict(_("Laporan yang sudah ditutup tidak dapat ditunda."))
    before = snapshot(report, REPORT_FIELDS)
    report.stage = Stage.ON_HOLD
    report.held_at = timezone.now()
    report.status_notes = reason.strip()[:500]
    _save(actor, report, before, "reports.report.hold", reason)
    _add_update(report, UpdateKind.HELD, reason, by=_by_label(actor, report))
    _publish(report, "held")
    return report


@transaction.atomic
def report_refer(*, actor: Actor, report: Report, agency: Agency, note: str = "") -> Report:
    """LAPOR! "Bukan wewenang": passed to the body that is responsible — another OPD, a
    kelurahan office or a body outside the city government (PLN, PDAM); its own
    3-working-day forward clock starts."""
    report = _locked(report)
    _require_act(actor, report)
    if agency.pk == report.agency_id:
        raise Invalid(_("Laporan sudah berada di instansi tersebut."))
    if not agency.is_active:
        raise Invalid(_("Instansi tujuan tidak aktif."))
    if report.status in CLOSED_STATUSES or report.stage == Stage.ARCHIVED:
        raise Conflict(_("Laporan yang sudah ditutup tidak dapat diteruskan."))
    before = snapshot(report, REPORT_FIELDS)
    from_label = _by_label(actor, report)
    now = timezone.now()
    report.agency = agency
    report.stage = Stage.NEW
    report.forward_due = deadlines.add_working_days(now, deadlines.FORWARD_DAYS)
    report.followup_due = None
    _save(actor, report, before, "reports.report.refer", note)
    text = _("Diteruskan ke %(instansi)s.") % {"instansi": agency.name}
    _add_update(report, UpdateKind.REFERRED, f"{text} {note}".strip(), by=from_label)
    notify_agency(
        agency=agency,
        message=Message(
            title=_("Laporan warga diteruskan kepada Anda: %(nomor)s") % {"nomor": report.tracking},
            body=report.public_description[:300],
            url=f"/lapor/kotak/{report.pk}/",
            ref=f"reports.report:{report.pk}",
        ),
        channels=("inbox",),
    )
    _notify_reporter(report, f"{_status_text(report)} {text}")
    _publish(report, "referred")
    return report


FOLLOWUP_STATUSES = (ReportStatus.IN_PROGRESS, ReportStatus.FIXED, ReportStatus.CLOSED_NOT_FIXED)


@transaction.atomic
def report_followup(*, actor: Actor, report: Report, status: str, note: str) -> Report:
    """A tindak lanjut: in progress, fixed, or closed without a fix (with the reason). When
    closed either way, the reporter has 10 working days to object before it is finished."""
    report = _locked(report)
    _require_act(actor, report)
    if status not in FOLLOWUP_STATUSES:
        raise Invalid(_("Status tindak lanjut tidak dikenal."))
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Tulis tindak lanjutnya untuk pelapor."))
    if report.stage in (Stage.ARCHIVED, Stage.FINISHED):
        raise Conflict(_("Laporan ini sudah selesai."))
    if report.hidden:
        raise Conflict(_("Laporan yang disembunyikan tidak dapat ditindaklanjuti."))
    before = snapshot(report, REPORT_FIELDS)
    now = timezone.now()
    if report.forwarded_at is None:
        report.forwarded_at = now  # the OPD acted on it: forwarded at the same moment
    if report.followup_due is None:
        report.followup_due = deadlines.add_working_days(
            report.forwarded_at, deadlines.FOLLOWUP_DAYS
        )
    if report.followup_at is None:
        report.followup_at = now
    changed = report.status != status
    report.status = status
    report.status_notes = note[:500]
    if status in CLOSED_STATUSES:
        report.stage = Stage.FOLLOWED_UP
        report.close_due = deadlines.add_working_days(now, deadlines.CLOSE_DAYS)
    else:
        report.stage = Stage.FORWARDED
        report.close_due = None
    report.held_at = None
    _save(actor, report, before, "reports.report.followup", note)
    _add_update(report, UpdateKind.FOLLOWUP, note, by=_by_label(actor, report))
    if changed:
        _notify_reporter(report, f"{_status_text(report)} {mask_personal(note)}")
    _publish(report, "followed_up")
    return report


@transaction.atomic
def report_archive(*, actor: Actor, report: Report, note: str) -> Report:
    """LAPOR! "Arsipkan": nothing to act on (unclear, already handled elsewhere)."""
    report = _locked(report)
    _require_act(actor, report)
    if not (note or "").strip():
        raise Invalid(_("Tulis alasan pengarsipan."))
    if report.stage == Stage.ARCHIVED:
        raise Conflict(_("Laporan ini sudah diarsipkan."))
    before = snapshot(report, REPORT_FIELDS)
    now = timezone.now()
    if report.status in OPEN_STATUSES:
        report.status = ReportStatus.CLOSED_NOT_FIXED
    report.stage = Stage.ARCHIVED
    report.status_notes = note.strip()[:500]
    report.closed_at = report.closed_at or now
    _save(actor, report, before, "reports.report.archive", note)
    _add_update(report, UpdateKind.ARCHIVED, note, by=_by_label(actor, report))
    _notify_reporter(report, _status_text(report))
    _publish(report, "archived")
    return report


def reporter_key_matches(report: Report, key: str) -> bool:
    return bool(key) and hmac.compare_digest(report.token, key)


@transaction.atomic
def report_reopen(*, actor: Actor, report: Report, key: str, note: str) -> Report:
    """The reporter objects: it is not fixed. Allowed while the 10-working-day window after
    the follow-up runs (and for a "closed, not fixed" report too); the OPD's follow-up clock
    starts again."""
    report = _locked(report)
    if not reporter_key_matches(report, key):
        raise NotAllowed(_("Hanya pelapor (dengan kode pelapor) yang dapat membuka kembali."))
    if report.status not in CLOSED_STATUSES or report.stage in (Stage.FINISHED, Stage.ARCHIVED):
        raise Conflict(_("Laporan ini tidak dapat dibuka kembali."))
    note = strip_tags(note or "").strip()
    if not note:
        raise Invalid(_("Tuliskan mengapa masalahnya belum selesai."))
    before = snapshot(report, REPORT_FIELDS)
    now = timezone.now()
    report.status = ReportStatus.REOPENED
    report.stage = Stage.FORWARDED
    report.close_due = None
    report.followup_due = deadlines.add_working_days(now, deadlines.FOLLOWUP_DAYS)
    report.reopened_count += 1
    _save(actor, report, before, "reports.report.reopen", note)
    _add_update(report, UpdateKind.REOPENED, note[:1000], by=_("Pelapor"))
    if report.agency_id:
        notify_agency(
            agency=report.agency,
            message=Message(
                title=_("Pelapor membuka kembali %(nomor)s") % {"nomor": report.tracking},
                body=mask_personal(note)[:300],
                url=f"/lapor/kotak/{report.pk}/",
                ref=f"reports.report:{report.pk}",
            ),
            channels=("inbox",),
        )
    _notify_reporter(report, _status_text(report))
    _publish(report, "reopened")
    return report


def reports_finish_due(now: datetime | None = None) -> int:
    """Job: a report closed by the OPD with no objection for 10 working days is finished."""
    now = now or timezone.now()
    actor = Actor.system("reports.finish")
    due = list(
        Report.objects.filter(
            stage=Stage.FOLLOWED_UP, status__in=list(CLOSED_STATUSES), close_due__lt=now
        ).values_list("pk", flat=True)[:500]
    )
    finished = 0
    for pk in due:
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",)).select_related("category").get(pk=pk)
            )
            # Race: the reporter may have reopened it since the list was read.
            if report.stage != Stage.FOLLOWED_UP or report.close_due is None:
                continue
            before = snapshot(report, REPORT_FIELDS)
            report.stage = Stage.FINISHED
            report.closed_at = now
            _save(actor, report, before, "reports.report.finish")
            _add_update(report, UpdateKind.FINISHED, by=_("Pemerintah Kota Serang"))
            _publish(report, "finished")
            finished += 1
    return finished


# --- moderation, asset link, escalation -------------------------------------------------


@transaction.atomic
def report_hide(*, actor: Actor, report: Report, reason: str, hidden: bool = True) -> Report:
    """Spam or abuse off the public map and list (the record stays for the audit)."""
    report = _locked(report)
    if not may_see_agency(actor, report.agency_id) and not actor.has_perm(
        "reports.moderate_report"
    ):
        raise NotFound(_("Laporan tidak ditemukan."))
    _require(actor, "reports.moderate_report", _("Peran Anda tidak berhak memoderasi laporan."))
    if hidden and reason not in HideReason.values:
        raise Invalid(_("Pilih alasan moderasi."))
    before = snapshot(report, REPORT_FIELDS)
    report.hidden = hidden
    report.hidden_reason = reason if hidden else ""
    _save(actor, report, before, "reports.report.hide" if hidden else "reports.report.unhide")
    _add_update(
        report,
        UpdateKind.HIDDEN,
        report.get_hidden_reason_display() if hidden else "",
        public=False,
    )
    _publish(report, "moderated")
    return report


@transaction.atomic
def report_link_asset(*, actor: Actor, report: Report, asset_code: str) -> Report:
    """Link to the BMD item concerned by its code/register string (the register lives in the
    assets module; only the reference is kept here)."""
    report = _locked(report)
    _require_act(actor, report)
    code = (asset_code or "").strip()
    if code and not re.fullmatch(r"[0-9A-Za-z.\-/]{3,60}", code):
        raise Invalid(_("Kode barang hanya berisi angka, huruf, titik, garis miring atau strip."))
    before = snapshot(report, REPORT_FIELDS)
    report.asset_code = code
    _save(actor, report, before, "reports.report.link_asset")
    _add_update(report, UpdateKind.ASSET, code, by=_by_label(actor, report), public=False)
    return report


@transaction.atomic
def report_escalate(*, actor: Actor, report: Report) -> Report:
    """An emergency reported here becomes a 112 incident in one step (the incident keeps
    the location, the category's incident type and the report's number)."""
    report = _locked(report)
    _require_act(actor, report, "reports.escalate_report")
    if report.incident_number:
        raise Conflict(_("Laporan ini sudah dieskalasi ke 112."))
    contact = ReportContact.objects.filter(report=report).first()
    incident = incident_services.incident_create(
        actor=actor.acting_for("reports.escalate"),
        type_code=report.category.incident_type_code or "lainnya",
        lat=report.lat,
        lon=report.lon,
        address=report.address,
        description=f"[{report.tracking}] {report.public_description}"[:2000],
        reporter_name=contact.name if contact else "",
        reporter_phone=contact.phone_e164 if contact else "",
        source="citizen",
    )
    before = snapshot(report, REPORT_FIELDS)
    report.incident_number = incident.number
    if report.status == ReportStatus.OPEN:
        report.status = ReportStatus.IN_PROGRESS
    if report.forwarded_at is None:
        report.forwarded_at = timezone.now()
        report.stage = Stage.FORWARDED
        report.followup_due = deadlines.add_working_days(report.forwarded_at, 5)
    _save(actor, report, before, "reports.report.escalate")
    _add_update(
        report,
        UpdateKind.ESCALATED,
        _("Ditangani Call Center 112 (%(nomor)s).") % {"nomor": incident.number},
        by=_("Call Center 112"),
    )
    _notify_reporter(report, _status_text(report))
    _publish(report, "escalated")
    return report


# --- phone verification -----------------------------------------------------------------


def _code_digest(phone: str, code: str) -> str:
    return submitter_hash(f"otp:{phone}:{code}")


@transaction.atomic
def phone_challenge_start(*, actor: Actor, phone: str, submitter: str = "") -> PhoneChallenge:
    """A 6-digit code by SMS; at most 3 per phone and 10 per address an hour."""
    phone_e164 = normalize_phone(phone)
    since = timezone.now() - timedelta(hours=1)
    hashed = submitter_hash(submitter) if submitter else ""
    if PhoneChallenge.objects.filter(phone_e164=phone_e164, created_at__gte=since).count() >= 3:
        raise Conflict(_("Kode sudah dikirim beberapa kali. Coba lagi nanti."), code="rate-limited")
    if (
        hashed
        and PhoneChallenge.objects.filter(submitter_hash=hashed, created_at__gte=since).count()
        >= 10
    ):
        raise Conflict(_("Terlalu banyak permintaan kode dari alamat ini."), code="rate-limited")
    if "sms" not in CHANNELS:
        raise Conflict(_("Layanan SMS belum tersedia. Kirim laporan tanpa nomor telepon."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    challenge = PhoneChallenge.objects.create(
        phone_e164=phone_e164,
        code_digest=_code_digest(phone_e164, code),
        submitter_hash=hashed,
        created_at=now,
        expires_at=now + OTP_TTL,
    )
    notify(
        kind="sms",
        target=phone_e164,
        message=Message(
            title=_("Kode verifikasi"),
            body=_("Kode verifikasi laporan warga Kota Serang: %(kode)s (berlaku 10 menit).")
            % {"kode": code},
            ref=f"reports.otp:{challenge.pk}",
            data={"secret": True},  # the outbox blanks the code once it is sent
        ),
    )
    audit_record(
        actor=actor,
        action="reports.phone.challenge",
        object_type="reports.phonechallenge",
        object_id=challenge.pk,
        object_repr=phone_e164[:-4] + "****",
    )
    return challenge


def phone_challenge_verify(*, actor: Actor, phone: str, code: str) -> str:
    """Returns the verified E.164 number; five wrong tries burn the code."""
    phone_e164 = normalize_phone(phone)
    with transaction.atomic():
        challenge = (
            PhoneChallenge.objects.select_for_update()
            .filter(phone_e164=phone_e164, verified_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if challenge is None or challenge.attempts >= OTP_MAX_ATTEMPTS:
            raise Invalid(_("Kode tidak berlaku lagi. Minta kode baru."))
        # The attempt is counted (committed) even when the code is wrong.
        challenge.attempts += 1
        ok = hmac.compare_digest(
            challenge.code_digest, _code_digest(phone_e164, (code or "").strip())
        )
        if ok:
            challenge.verified_at = timezone.now()
            audit_record(
                actor=actor,
                action="reports.phone.verified",
                object_type="reports.phonechallenge",
                object_id=challenge.pk,
                object_repr=phone_e164[:-4] + "****",
            )
        challenge.save(update_fields=["attempts", "verified_at"])
    if not ok:
        raise Invalid(_("Kode salah."))
    return phone_e164


# --- Open311 client keys ----------------------------------------------------------------


def open311_key_create(*, actor: Actor, name: str):
    """A key for one client application; returns (token, plain key shown once)."""
    _require(actor, "reports.manage_open311", _("Peran Anda tidak berhak menerbitkan kunci."))
    return core_services.token_create(
        actor=actor, name=name, scopes=["open311"], subject_type="reports.open311"
    )


def open311_key_revoke(*, actor: Actor, key_id: int) -> None:
    _require(actor, "reports.manage_open311", _("Peran Anda tidak berhak mencabut kunci."))
    if not MachineToken.objects.filter(pk=key_id, subject_type="reports.open311").exists():
        raise NotFound(_("Kunci Open311 tidak ditemukan."))
    core_services.token_revoke(actor=actor, token_id=key_id)
    # A cycle: open311 (the GeoReport v2 edge) files its reports through this module.
    from kendali.reports.open311 import forget_verified_keys

    forget_verified_keys()
