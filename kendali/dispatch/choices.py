from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    AMBULANS = "ambulans", _("Ambulans")
    PEMADAM = "pemadam", _("Mobil pemadam")
    RESCUE = "rescue", _("Rescue")
    PATROLI = "patroli", _("Patroli polisi")
    SATPOLPP = "satpolpp", _("Satpol PP")
    BPBD = "bpbd", _("Tim BPBD")
    PLN = "pln", _("Regu PLN")
    PDAM = "pdam", _("Regu PDAM")
    JENAZAH = "jenazah", _("Mobil jenazah")
    LAINNYA = "lainnya", _("Lainnya")


# Planning speed (km/h) on Kota Serang's roads with lights and sirens where they have them.
KIND_SPEED_KMH = {
    UnitKind.AMBULANS: 40.0,
    UnitKind.PEMADAM: 35.0,
    UnitKind.RESCUE: 40.0,
    UnitKind.PATROLI: 45.0,
    UnitKind.SATPOLPP: 30.0,
    UnitKind.BPBD: 35.0,
    UnitKind.PLN: 30.0,
    UnitKind.PDAM: 30.0,
    UnitKind.JENAZAH: 30.0,
    UnitKind.LAINNYA: 30.0,
}


class UnitStatus(models.TextChoices):
    TERSEDIA = "tersedia", _("Tersedia")
    DITUGASKAN = "ditugaskan", _("Ditugaskan")
    MENUJU = "menuju", _("Menuju lokasi")
    DI_LOKASI = "di_lokasi", _("Di lokasi")
    KEMBALI = "kembali", _("Kembali")
    TIDAK_SIAGA = "tidak_siaga", _("Tidak siaga")


# Statuses in which the unit is busy with an incident.
BUSY_STATUSES = (UnitStatus.DITUGASKAN, UnitStatus.MENUJU, UnitStatus.DI_LOKASI)

# What a unit may move to from each status. Assignment (tersedia/kembali → ditugaskan)
# goes through assignment_create only.
UNIT_TRANSITIONS = {
    UnitStatus.TERSEDIA: {UnitStatus.TIDAK_SIAGA},
    UnitStatus.DITUGASKAN: {UnitStatus.MENUJU},
    UnitStatus.MENUJU: {UnitStatus.DI_LOKASI},
    UnitStatus.DI_LOKASI: {UnitStatus.KEMBALI},
    UnitStatus.KEMBALI: {UnitStatus.TERSEDIA, UnitStatus.TIDAK_SIAGA},
    UnitStatus.TIDAK_SIAGA: {UnitStatus.TERSEDIA},
}
ASSIGNABLE_STATUSES = (UnitStatus.TERSEDIA, UnitStatus.KEMBALI)


class AssignmentStatus(models.TextChoices):
    DITUGASKAN = "ditugaskan", _("Ditugaskan")
    MENUJU = "menuju", _("Menuju lokasi")
    DI_LOKASI = "di_lokasi", _("Di lokasi")
    SELESAI = "selesai", _("Selesai")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")


ACTIVE_ASSIGNMENT = (
    AssignmentStatus.DITUGASKAN,
    AssignmentStatus.MENUJU,
    AssignmentStatus.DI_LOKASI,
)


class Outcome(models.TextChoices):
    TERTANGANI = "tertangani", _("Tertangani")
    DIRUJUK = "dirujuk", _("Dirujuk/dilanjutkan instansi lain")
    TIDAK_DITEMUKAN = "tidak_ditemukan", _("Tidak ditemukan di lokasi")
    PALSU = "palsu", _("Laporan palsu")


class ReferralStatus(models.TextChoices):
    DIKIRIM = "dikirim", _("Dikirim")
    DITERIMA = "diterima", _("Diterima instansi")
    SELESAI = "selesai", _("Selesai")


class SlaKind(models.TextChoices):
    PROCESSING = "processing", _("Pemrosesan (angkat → tugaskan)")
    REACTION = "reaction", _("Reaksi (tugaskan → diterima)")
    RESPONSE = "response", _("Respons (tugaskan → di lokasi)")
    TOTAL = "total", _("Total (laporan → selesai)")


# Short names for the board's countdowns and the SLA tile.
SLA_SHORT = {
    SlaKind.PROCESSING: _("Proses"),
    SlaKind.REACTION: _("Reaksi"),
    SlaKind.RESPONSE: _("Respons"),
    SlaKind.TOTAL: _("Total"),
}


# Seconds. NFPA 1225: 90 % of calls processed (answer → first dispatch) within 60 s.
# Kota Serang: at most 15 minutes from the report to the field team moving.
DEFAULT_SLA_SECONDS = {
    SlaKind.PROCESSING: 60,
    SlaKind.REACTION: 5 * 60,
    SlaKind.RESPONSE: 15 * 60,
    SlaKind.TOTAL: 4 * 3600,
}


class Shift(models.TextChoices):
    PAGI = "pagi", _("Pagi 07.00–15.00")
    SIANG = "siang", _("Siang 15.00–23.00")
    MALAM = "malam", _("Malam 23.00–07.00")
