from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    """The six domains of a regional SPBE architecture (Perpres 132/2022)."""

    PROSES_BISNIS = "proses_bisnis", _("Proses bisnis")
    DATA = "data", _("Data dan informasi")
    LAYANAN = "layanan", _("Layanan")
    APLIKASI = "aplikasi", _("Aplikasi")
    INFRASTRUKTUR = "infrastruktur", _("Infrastruktur")
    KEAMANAN = "keamanan", _("Keamanan")


# The reference model whose codes an element of each domain carries.
DOMAIN_REFERENCE = {
    Domain.PROSES_BISNIS: "RAB",
    Domain.DATA: "RAD",
    Domain.LAYANAN: "RAL",
    Domain.APLIKASI: "RAA",
    Domain.INFRASTRUKTUR: "RAI",
    Domain.KEAMANAN: "RAK",
}
REFERENCE_MODELS = ("RAB", "RAD", "RAL", "RAA", "RAI", "RAK")


class ElementStatus(models.TextChoices):
    RENCANA = "rencana", _("Rencana")
    PENGEMBANGAN = "pengembangan", _("Pengembangan")
    AKTIF = "aktif", _("Aktif")
    PENSIUN = "pensiun", _("Dihentikan")


class Validation(models.TextChoices):
    DRAF = "draf", _("Draf")
    VALID = "valid", _("Tervalidasi")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")


class Classification(models.TextChoices):
    TERBUKA = "terbuka", _("Terbuka")
    TERBATAS = "terbatas", _("Terbatas")
    RAHASIA = "rahasia", _("Rahasia")


class Hosting(models.TextChoices):
    PDD = "pdd", _("Pusat data daerah")
    PDN = "pdn", _("Pusat Data Nasional")
    CLOUD = "cloud", _("Komputasi awan")
    LOKAL = "lokal", _("Server OPD")
    LAPANGAN = "lapangan", _("Perangkat lapangan")


class RelationKind(models.TextChoices):
    RUNS_ON_APP = "runs_on_app", _("dijalankan oleh aplikasi")
    USES_DATA = "uses_data", _("memakai data")
    RUNS_ON_INFRA = "runs_on_infra", _("berjalan di infrastruktur")
    PROTECTED_BY = "protected_by", _("dilindungi oleh")
    SUPPORTS = "supports", _("mendukung proses bisnis")
    DEPENDS_ON = "depends_on", _("bergantung pada")
    INTEGRATES = "integrates", _("terintegrasi dengan")


# (kind) -> (allowed source domains, allowed target domains)
RELATION_RULES = {
    RelationKind.RUNS_ON_APP: ({Domain.LAYANAN}, {Domain.APLIKASI}),
    RelationKind.USES_DATA: ({Domain.LAYANAN, Domain.APLIKASI}, {Domain.DATA}),
    RelationKind.RUNS_ON_INFRA: (
        {Domain.APLIKASI, Domain.INFRASTRUKTUR, Domain.LAYANAN},
        {Domain.INFRASTRUKTUR},
    ),
    RelationKind.PROTECTED_BY: (set(Domain) - {Domain.KEAMANAN}, {Domain.KEAMANAN}),
    RelationKind.SUPPORTS: ({Domain.LAYANAN}, {Domain.PROSES_BISNIS}),
    RelationKind.DEPENDS_ON: ({Domain.APLIKASI, Domain.LAYANAN}, {Domain.APLIKASI, Domain.LAYANAN}),
    RelationKind.INTEGRATES: ({Domain.APLIKASI}, {Domain.APLIKASI}),
}
# Integration is mutual and may go both ways; every other relation is a dependency and may
# never come back to where it started.
ACYCLIC_KINDS = frozenset(set(RelationKind) - {RelationKind.INTEGRATES})


class AnswerStatus(models.TextChoices):
    DRAF = "draf", _("Draf")
    DIAJUKAN = "diajukan", _("Diajukan")
    DITERIMA = "diterima", _("Diterima")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan")


class EvaluationStatus(models.TextChoices):
    DRAF = "draf", _("Penilaian mandiri")
    TERKUNCI = "terkunci", _("Terkunci")


class EvidenceKind(models.TextChoices):
    DOKUMEN = "dokumen", _("Dokumen")
    TAUTAN = "tautan", _("Tautan")
    LANGSUNG = "langsung", _("Bukti langsung (modul Kendali)")


class VersionKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    REVISI = "revisi", _("Revisi")


class InitiativeStatus(models.TextChoices):
    RENCANA = "rencana", _("Rencana")
    BERJALAN = "berjalan", _("Berjalan")
    SELESAI = "selesai", _("Selesai")
    TERTUNDA = "tertunda", _("Tertunda")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")


class PolicyStatus(models.TextChoices):
    BELUM = "belum", _("Belum ada")
    DRAF = "draf", _("Rancangan")
    DITETAPKAN = "ditetapkan", _("Ditetapkan")
