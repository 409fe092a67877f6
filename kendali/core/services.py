"""Every write of the core room: users, login lockout, TOTP, machine tokens, agencies.

Each function is keyword-only, runs in one transaction, checks authorization,
writes an audit entry and publishes events after commit.
"""

from __future__ import annotations

from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.core import tokens
from kendali.core.actors import Actor
from kendali.core.audit import audit_record, diff, snapshot
from kendali.core.choices import AGENCY_BOUND_ROLES, AuditKind, Role, TokenScope
from kendali.core.errors import Invalid, NotAllowed, NotFound
from kendali.core.models import Agency, AgencyChannel, MachineToken, User

USER_AUDIT_FIELDS = ["username", "full_name", "email", "agency", "extension", "is_active"]
AGENCY_AUDIT_FIELDS = [
    "code",
    "name",
    "short_name",
    "kind",
    "address",
    "lat",
    "lon",
    "is_active",
]


# --- users -----------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    email: str = "",
    agency: Agency | None = None,
    extension: str = "",
) -> User:
    if not actor.has_perm("core.manage_users"):
        raise NotAllowed(_("Hanya administrator yang boleh membuat pengguna."))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise Invalid(_("Peran tidak dikenal: %(roles)s") % {"roles": ", ".join(unknown)})
    if set(roles) & AGENCY_BOUND_ROLES and agency is None:
        raise Invalid(_("Peran ini harus terikat pada satu instansi."))
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(_("Nama pengguna %(u)s sudah dipakai.") % {"u": username})
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        agency=agency,
        extension=extension,
        # Administrators open the data administration (/admin/), as the guides tell them.
        is_staff=Role.ADMINISTRATOR in roles,
    )
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise Invalid(" ".join(exc.messages), errors={"password": exc.messages})
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        changes={**diff({}, snapshot(user, USER_AUDIT_FIELDS)), "roles": [None, sorted(roles)]},
    )
    return user


# --- login and lockout -------------------------------------------------------------------


def login_failed(*, username: str, ip: str | None) -> User | None:
    """Count a failed password; lock the account after the configured number.

    The counter is bumped with an UPDATE on the row (F expression), so parallel
    guesses cannot race past the limit.
    """
    user = User.objects.filter(username__iexact=username).first()
    actor = Actor(ip=ip, label_override=f"login:{username[:60]}")
    if user is None:
        audit_record(
            actor=actor,
            action="auth.login_failed",
            object_type="core.user",
            object_repr=username[:60],
            kind=AuditKind.AUTH,
            note="unknown user",
        )
        return None
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        user.refresh_from_db(fields=["failed_login_count", "locked_until"])
        audit_record(actor=actor, action="auth.login_failed", obj=user, kind=AuditKind.AUTH)
        if user.failed_login_count >= settings.LOGIN_LOCKOUT_ATTEMPTS and not user.is_locked:
            until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until)
            user.locked_until = until
            audit_record(
                actor=actor,
                action="auth.locked",
                obj=user,
                kind=AuditKind.AUTH,
                changes={"locked_until": [None, until.isoformat()]},
                note=_("%(n)d kata sandi salah berturut-turut") % {"n": user.failed_login_count},
            )
    return user


def login_succeeded(*, user: User, ip: str | None) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        audit_record(
            actor=Actor(user=user, ip=ip), action="auth.login", obj=user, kind=AuditKind.AUTH
        )


def user_unlock(*, actor: Actor, user: User) -> None:
    if not actor.has_perm("core.manage_users"):
        raise NotAllowed(_("Hanya administrator yang boleh membuka kunci akun."))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        audit_record(
            actor=actor,
            action="user.unlock",
            obj=user,
            changes={"locked_until": [user.locked_until, None]},
        )


# --- TOTP ---------------------------------------------------------------------------------


def totp_begin(*, user: User) -> str:
    """Give the user a fresh, unconfirmed secret (kept until confirmed)."""
    if user.totp_confirmed_at:
        raise Invalid(_("Autentikasi dua langkah sudah aktif."))
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.username, issuer_name="Kendali Kota Serang"
    )


def _totp_check(user: User, code: str) -> int | None:
    """Return the time-step counter the code matches (±1 step), or None."""
    code = (code or "").strip().replace(" ", "")
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(user.totp_secret)
    now = timezone.now()
    for drift in (-1, 0, 1):
        at = now + timedelta(seconds=30 * drift)
        if totp.verify(code, for_time=at, valid_window=0):
            return totp.timecode(at)
    return None


@transaction.atomic
def totp_confirm(*, user: User, code: str, ip: str | None) -> None:
    counter = _totp_check(user, code)
    if counter is None:
        raise Invalid(_("Kode tidak cocok. Periksa jam ponsel Anda dan coba lagi."))
    user.totp_confirmed_at = timezone.now()
    user.totp_last_counter = counter
    user.save(update_fields=["totp_confirmed_at", "totp_last_counter"])
    audit_record(
        actor=Actor(user=user, ip=ip), action="auth.totp_enrolled", obj=user, kind=AuditKind.AUTH
    )


@transaction.atomic
def totp_verify(*, user: User, code: str, ip: str | None) -> None:
    """Check a login code; a code is accepted once (replay of the same step refused)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    counter = _totp_check(locked, code)
    if counter is None or counter <= locked.totp_last_counter:
        audit_record(
            actor=Actor(user=user, ip=ip), action="auth.totp_failed", obj=user, kind=AuditKind.AUTH
        )
        raise Invalid(_("Kode verifikasi salah atau sudah dipakai."))
    User.objects.filter(pk=user.pk).update(totp_last_counter=counter)
    audit_record(
        actor=Actor(user=user, ip=ip), action="auth.totp_ok", obj=user, kind=AuditKind.AUTH
    )


@transaction.atomic
def totp_reset(*, actor: Actor, user: User) -> None:
    if not actor.has_perm("core.manage_users"):
        raise NotAllowed(_("Hanya administrator yang boleh mereset autentikasi dua langkah."))
    User.objects.filter(pk=user.pk).update(
        totp_secret="", totp_confirmed_at=None, totp_last_counter=0
    )
    audit_record(actor=actor, action="user.totp_reset", obj=user)


# --- machine tokens ----------------------------------------------------------------------


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    name: str,
    scopes: list[str],
    agency: Agency | None = None,
    subject_type: str = "",
    subject_id: str = "",
    allowed_ips: list[str] | None = None,
) -> tuple[MachineToken, str]:
    """Create a token; returns (token, plain secret). The secret is never stored."""
    if not actor.has_perm("core.manage_tokens"):
        raise NotAllowed(_("Peran Anda tidak berhak membuat token mesin."))
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Nama token wajib diisi."), errors={"name": [_("Wajib diisi.")]})
    unknown = [s for s in scopes if s not in TokenScope.values]
    if not scopes or unknown:
        raise Invalid(
            _("Pilih cakupan token yang dikenal: %(scopes)s")
            % {"scopes": ", ".join(TokenScope.values)},
            errors={"scopes": unknown or [_("Wajib diisi.")]},
        )
    plain, prefix, digest = tokens.generate()
    token = MachineToken.objects.create(
        name=name[:120],
        prefix=prefix,
        digest=digest,
        scopes=sorted(set(scopes)),
        agency=agency,
        subject_type=subject_type,
        subject_id=str(subject_id),
        allowed_ips=allowed_ips or [],
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        changes={
            "name": [None, token.name],
            "scopes": [None, token.scopes],
            "subject": [None, f"{subject_type}:{subject_id}".strip(":")],
        },
    )
    return token, plain


@transaction.atomic
def token_revoke(*, actor: Actor, token_id: int) -> MachineToken:
    if not actor.has_perm("core.manage_tokens"):
        raise NotAllowed(_("Peran Anda tidak berhak mencabut token mesin."))
    token = MachineToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("Token tidak ditemukan."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token.revoke",
            obj=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
    return token


# --- agencies ----------------------------------------------------------------------------


@transaction.atomic
def agency_save(*, actor: Actor, code: str, **fields) -> Agency:
    """Create or update an agency by its code."""
    if not actor.has_perm("core.manage_agency"):
        raise NotAllowed(_("Hanya administrator yang boleh mengubah data instansi."))
    agency = Agency.objects.select_for_update().filter(code=code).first()
    before = snapshot(agency, AGENCY_AUDIT_FIELDS) if agency else {}
    if agency is None:
        agency = Agency(code=code)
    for key, value in fields.items():
        if key not in AGENCY_AUDIT_FIELDS:
            raise Invalid(_("Kolom tidak dikenal: %(f)s") % {"f": key})
        setattr(agency, key, value)
    agency.full_clean()
    agency.save()
    changes = diff(before, snapshot(agency, AGENCY_AUDIT_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action="agency.update" if before else "agency.create",
            obj=agency,
            changes=changes,
        )
    return agency


@transaction.atomic
def agency_channel_add(
    *,
    actor: Actor,
    agency: Agency,
    kind: str,
    value: str,
    label: str = "",
    is_primary: bool = False,
) -> AgencyChannel:
    if not actor.has_perm("core.manage_agency"):
        raise NotAllowed(_("Hanya administrator yang boleh mengubah kanal instansi."))
    channel, created = AgencyChannel.objects.get_or_create(
        agency=agency, kind=kind, value=value, defaults={"label": label, "is_primary": is_primary}
    )
    if created:
        audit_record(
            actor=actor,
            action="agency.channel_add",
            obj=agency,
            changes={"channel": [None, f"{kind}:{value}"]},
        )
    return channel


@transaction.atomic
def agency_channel_remove(*, actor: Actor, channel: AgencyChannel) -> None:
    if not actor.has_perm("core.manage_agency"):
        raise NotAllowed(_("Hanya administrator yang boleh mengubah kanal instansi."))
    audit_record(
        actor=actor,
        action="agency.channel_remove",
        obj=channel.agency,
        changes={"channel": [f"{channel.kind}:{channel.value}", None]},
    )
    channel.delete()


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user: User,
    roles: list[str] | None = None,
    is_active: bool | None = None,
    agency: Agency | None = None,
    full_name: str | None = None,
    extension: str | None = None,
) -> User:
    """Change a user's roles, agency, name, extension or active state (administrators)."""
    if not actor.has_perm("core.manage_users"):
        raise NotAllowed(_("Hanya administrator yang boleh mengubah pengguna."))
    if actor.user is not None and actor.user.pk == user.pk and is_active is False:
        raise Invalid(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    before = {**snapshot(user, USER_AUDIT_FIELDS), "roles": sorted(user.roles)}
    if roles is not None:
        unknown = [r for r in roles if r not in Role.values]
        if unknown:
            raise Invalid(_("Peran tidak dikenal: %(roles)s") % {"roles": ", ".join(unknown)})
    new_roles = set(roles) if roles is not None else set(user.roles)
    new_agency = agency if agency is not None else user.agency
    if new_roles & AGENCY_BOUND_ROLES and new_agency is None:
        raise Invalid(_("Peran ini harus terikat pada satu instansi."))
    if (
        extension is not None
        and extension
        and User.objects.exclude(pk=user.pk).filter(extension=extension).exists()
    ):
        raise Invalid(_("Ekstensi %(e)s sudah dipakai pengguna lain.") % {"e": extension})
    for field, value in (
        ("is_active", is_active),
        ("full_name", full_name),
        ("extension", extension),
    ):
        if value is not None:
            setattr(user, field, value)
    user.agency = new_agency
    user.save()
    if roles is not None:
        user.groups.set(Group.objects.filter(name__in=roles))
        if hasattr(user, "_role_cache"):
            del user._role_cache
    after = {**snapshot(user, USER_AUDIT_FIELDS), "roles": sorted(new_roles)}
    changes = diff(before, after)
    if changes:
        audit_record(actor=actor, action="user.update", obj=user, changes=changes)
    return user


@transaction.atomic
def user_password_change(*, actor: Actor, user: User, old_password: str, new_password: str) -> None:
    """A person changes their own password (the old one is checked, validators apply)."""
    if actor.user is None or actor.user.pk != user.pk:
        raise NotAllowed(_("Kata sandi hanya dapat diganti oleh pemiliknya."))
    if not user.check_password(old_password):
        raise Invalid(
            _("Kata sandi lama salah."), errors={"old_password": [_("Kata sandi lama salah.")]}
        )
    try:
        password_validation.validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise Invalid(" ".join(exc.messages), errors={"new_password": exc.messages})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_change", obj=user, kind=AuditKind.AUTH)
