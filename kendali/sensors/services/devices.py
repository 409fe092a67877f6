"""Devices: registration, variables, the device token, and the event data of a device."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.choices import TokenScope
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.events import publish
from kendali.core.models import Agency, MachineToken
from kendali.core.scope import may_see_agency
from kendali.core.services import token_create, token_revoke
from kendali.regions.locate import InvalidCoordinate, locate
from kendali.regions.models import Region
from kendali.sensors.choices import (
    DEFAULT_VARIABLES,
    DeviceKind,
    DeviceStatus,
)
from kendali.sensors.models import (
    Device,
    Variable,
)

DEVICE_SUBJECT = "sensors.device"
DEVICE_AUDIT_FIELDS = [
    "code",
    "name",
    "kind",
    "lat",
    "lon",
    "agency",
    "heartbeat_seconds",
    "is_active",
]


def can_see_device(actor: Actor, device: Device) -> bool:
    return may_see_agency(actor, device.agency_id)


def _locate(device: Device) -> None:
    device.kelurahan = device.kecamatan = None
    if device.lat is None or device.lon is None:
        return
    try:
        where = locate(device.lat, device.lon)
    except InvalidCoordinate as exc:
        raise Invalid(str(exc), errors={"lat": [str(exc)]})
    if where.inside:
        regions = Region.objects.in_bulk([where.kelurahan_kode, where.kecamatan_kode])
        device.kelurahan = regions.get(where.kelurahan_kode)
        device.kecamatan = regions.get(where.kecamatan_kode)


@transaction.atomic
def device_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    agency: Agency,
    lat: float | None = None,
    lon: float | None = None,
    heartbeat_seconds: int = 300,
    variables: list[tuple[str, str]] | None = None,
    with_token: bool = True,
) -> tuple[Device, str]:
    """Register a device with its variables and issue its one token. Returns (device,
    plain token or "")."""
    if not actor.has_perm("sensors.add_device"):
        raise NotAllowed(_("Peran Anda tidak berhak mendaftarkan perangkat sensor."))
    if not may_see_agency(actor, agency.pk):
        raise NotAllowed(_("Anda hanya boleh mendaftarkan perangkat instansi Anda."))
    if kind not in DeviceKind.values:
        raise Invalid(_("Jenis perangkat tidak dikenal."), errors={"kind": [kind]})
    if Device.objects.filter(code=code).exists():
        raise Invalid(_("Kode perangkat %(c)s sudah dipakai.") % {"c": code})
    if heartbeat_seconds < 10:
        raise Invalid(_("Interval kirim minimal 10 detik."))
    device = Device(
        code=code,
        name=name,
        kind=kind,
        agency=agency,
        lat=lat,
        lon=lon,
        heartbeat_seconds=heartbeat_seconds,
    )
    _locate(device)
    try:
        device.full_clean(exclude=["kelurahan", "kecamatan"])
    except Exception as exc:  # ValidationError -> 422 with field messages
        raise Invalid(_("Data perangkat tidak valid."), errors=getattr(exc, "message_dict", None))
    device.save()
    wanted = variables if variables is not None else DEFAULT_VARIABLES.get(kind, [])
    Variable.objects.bulk_create(
        [Variable(device=device, name=vname, unit=unit) for vname, unit in wanted]
    )
    audit_record(
        actor=actor,
        action="sensors.device.create",
        obj=device,
        changes={
            **diff({}, snapshot(device, DEVICE_AUDIT_FIELDS)),
            "variables": [None, [f"{n} [{u}]" for n, u in wanted]],
        },
    )
    plain = device_token_issue(actor=actor, device=device) if with_token else ""
    publish(
        "sensors.device.created",
        device_event(device, "created"),
        perm="sensors.view_device",
        agency_ids=[device.agency_id],
    )
    return device, plain


VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,59}")


@transaction.atomic
def variable_add(*, actor: Actor, device: Device, name: str, unit: str = "") -> Variable:
    """Add a measured variable (FIWARE attribute name) with its unit to a device."""
    if not actor.has_perm("sensors.change_device"):
        raise NotAllowed(_("Peran Anda tidak berhak mengubah perangkat sensor."))
    if not can_see_device(actor, device):
        raise NotAllowed(_("Perangkat ini bukan milik instansi Anda."))
    name, unit = (name or "").strip(), (unit or "").strip()
    if not VARIABLE_NAME.fullmatch(name):
        raise Invalid(
            _("Nama variabel: huruf, angka dan garis bawah, diawali huruf (maks. 60)."),
            errors={"name": [name[:60]]},
        )
    if len(unit) > 20:
        raise Invalid(_("Satuan paling banyak 20 karakter."), errors={"unit": [unit[:20]]})
    try:
        # The unique constraint decides, also when two people add the same name at once.
        with transaction.atomic():
            variable = Variable.objects.create(device=device, name=name, unit=unit)
    except IntegrityError:
        raise Invalid(
            _("Variabel %(n)s sudah ada pada perangkat ini.") % {"n": name},
            errors={"name": [_("Sudah ada.")]},
        )
    audit_record(
        actor=actor,
        action="sensors.variable.add",
        obj=device,
        changes={"variable": [None, f"{name} [{unit}]"]},
    )
    return variable


@transaction.atomic
def device_token_issue(*, actor: Actor, device: Device) -> str:
    """One token per device: issuing a new one revokes the previous ones."""
    for old in MachineToken.objects.filter(
        subject_type=DEVICE_SUBJECT, subject_id=str(device.pk), revoked_at__isnull=True
    ):
        token_revoke(actor=actor, token_id=old.pk)
    _token, plain = token_create(
        actor=actor,
        name=f"Sensor {device.code}",
        scopes=[TokenScope.DEVICE],
        agency=device.agency,
        subject_type=DEVICE_SUBJECT,
        subject_id=str(device.pk),
    )
    return plain


def _number(value: float) -> str:
    """1.82 -> "1,82" (the active language's decimal separator), 182.0 -> "182"."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _place(device: Device) -> str:
    """ " · Kel. Kasemen" unless the device's name already says where it is."""
    name = device.kelurahan.nama if device.kelurahan_id else ""
    if not name or name.lower() in device.name.lower():
        return ""
    return " · " + _("Kel. %(k)s") % {"k": name}


DEVICE_SUMMARIES = {
    "created": _("Sensor baru terdaftar — %(device)s (%(kind)s)"),
    "offline": _("Sensor tidak mengirim data — %(device)s"),
    "online": _("Sensor kembali mengirim data — %(device)s"),
}


def device_event(device: Device, verb: str = "", *, quiet: bool = False) -> dict:
    """Event data of a device; ``summary`` is the sentence the control-room wall shows.
    ``quiet``: the change refreshes maps and lists but is not a ticker line of its own (a
    device going offline or back whose offline rule raises or clears an alarm: one line,
    the alarm's)."""
    kind = DeviceKind(device.kind).label if device.kind in DeviceKind.values else device.kind
    summary = DEVICE_SUMMARIES.get(verb, _("Sensor %(device)s"))
    return {
        "id": device.pk,
        "code": device.code,
        "name": device.name,
        "device_name": device.name,
        "kind": device.kind,
        "kind_label": str(kind),
        "status": device.status,
        "status_label": str(DeviceStatus(device.status).label),
        "lat": device.lat,
        "lon": device.lon,
        "kelurahan": device.kelurahan_id,
        "kelurahan_name": device.kelurahan.nama if device.kelurahan_id else "",
        "agency_id": device.agency_id,
        "summary": (summary % {"device": device.name, "kind": kind}) + _place(device),
        **({"quiet": True} if quiet else {}),
    }
