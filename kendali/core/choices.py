from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of Kendali. Each is a Django group of the same name with explicit permissions."""

    ADMINISTRATOR = "administrator", _("Administrator")
    SUPERVISOR = "supervisor_112", _("Supervisor 112")
    CALL_TAKER = "call_taker_112", _("Penerima panggilan 112")
    DISPATCHER = "dispatcher", _("Dispatcher")
    AGENCY_OFFICER = "agency_officer", _("Petugas instansi")
    CONTROL_ROOM_VIEWER = "control_room_viewer", _("Pemantau ruang kendali")
    OPERATOR = "operator", _("Operator sensor dan Wi-Fi")
    ASSET_MANAGER = "asset_manager", _("Pengelola aset")
    SPBE_COORDINATOR = "spbe_coordinator", _("Koordinator SPBE")
    # Reviews the OPDs' SPBE self-assessment (typically the Inspektorat, as APIP).
    SPBE_REVIEWER = "spbe_reviewer", _("Reviewer SPBE")
    # Barang Milik Daerah (Permendagri 47/2021 Pasal 1).
    BMD_PENGELOLA = "bmd_pengelola", _("Pengelola Barang (Sekda)")
    BMD_PENATAUSAHAAN = "bmd_penatausahaan", _("Pejabat Penatausahaan Barang (BPKAD)")
    BMD_PENGGUNA = "bmd_pengguna", _("Pengguna Barang (kepala OPD)")
    BMD_KUASA = "bmd_kuasa", _("Kuasa Pengguna Barang")
    BMD_PENGURUS = "bmd_pengurus", _("Pengurus Barang Pengguna")
    BMD_PENGURUS_PEMBANTU = "bmd_pengurus_pembantu", _("Pengurus Barang Pembantu")


# Roles that must pass a TOTP second factor before they see anything.
TWO_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})
# Roles whose work is scoped to one agency (instansi/OPD).
AGENCY_BOUND_ROLES = frozenset(
    {
        Role.AGENCY_OFFICER,
        Role.ASSET_MANAGER,
        Role.BMD_PENGGUNA,
        Role.BMD_KUASA,
        Role.BMD_PENGURUS,
        Role.BMD_PENGURUS_PEMBANTU,
    }
)


class AgencyKind(models.TextChoices):
    OPD = "opd", _("OPD Pemerintah Kota")
    VERTICAL = "vertical", _("Instansi vertikal")
    UTILITY = "utility", _("BUMN/BUMD layanan")
    OTHER = "other", _("Lainnya")


class ChannelKind(models.TextChoices):
    PHONE = "phone", _("Telepon")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")
    TELEGRAM = "telegram", _("Telegram")
    RADIO = "radio", _("Radio")


class AuditKind(models.TextChoices):
    WRITE = "write", _("Perubahan")
    READ = "read", _("Akses data pribadi")
    AUTH = "auth", _("Autentikasi")


class TokenScope(models.TextChoices):
    """Scopes a machine token may carry. Modules check them on their endpoints."""

    TELEPHONY = "telephony", _("Jembatan telepon (PBX)")
    CALLS_READ = "calls:read", _("Status penelepon (PBX)")
    DEVICE = "device", _("Perangkat sensor")
    UNIT = "unit", _("Unit lapangan")
    RADIUS = "radius", _("FreeRADIUS")
    INTEGRATION = "integration", _("Integrasi (baca)")
    EVENTS = "events", _("Aliran peristiwa")
    OPEN311 = "open311", _("Aplikasi Open311 (laporan warga)")
