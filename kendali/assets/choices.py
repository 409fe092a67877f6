"""Enums of the regional-asset (BMD) module, with Indonesian labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kib(models.TextChoices):
    """Kartu Inventaris Barang: one per golongan 1.3.1–1.3.6 (Permendagri 108/2016)."""

    A = "A", _("KIB A — Tanah")
    B = "B", _("KIB B — Peralatan dan Mesin")
    C = "C", _("KIB C — Gedung dan Bangunan")
    D = "D", _("KIB D — Jalan, Irigasi dan Jaringan")
    E = "E", _("KIB E — Aset Tetap Lainnya")
    F = "F", _("KIB F — Konstruksi Dalam Pengerjaan")


# Golongan (kode akun.kelompok.jenis) of each KIB.
KIB_PREFIX = {
    Kib.A: "1.3.1",
    Kib.B: "1.3.2",
    Kib.C: "1.3.3",
    Kib.D: "1.3.4",
    Kib.E: "1.3.5",
    Kib.F: "1.3.6",
}
PREFIX_KIB = {prefix: kib for kib, prefix in KIB_PREFIX.items()}


def kib_of_code(code: str) -> str | None:
    return PREFIX_KIB.get(".".join(code.split(".")[:3]))


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Konsep (menunggu persetujuan)")
    ACTIVE = "active", _("Tercatat")
    DISPOSED = "disposed", _("Dihapus")
    REJECTED = "rejected", _("Ditolak")
    CANCELLED = "cancelled", _("Dibatalkan (perolehan dibalik)")


class Condition(models.TextChoices):
    GOOD = "B", _("Baik")
    FAIR = "KB", _("Kurang Baik")
    BROKEN = "RB", _("Rusak Berat")


class Origin(models.TextChoices):
    APBD = "apbd", _("Pembelian (APBD)")
    HIBAH = "hibah", _("Hibah/sumbangan")
    CONTRACT = "kontrak", _("Perjanjian/kontrak")
    REGULATION = "ketentuan", _("Berdasarkan ketentuan peraturan")
    COURT = "putusan", _("Putusan pengadilan")
    OTHER = "lainnya", _("Perolehan lain yang sah")


class EntryKind(models.TextChoices):
    ACQUISITION = "perolehan", _("Perolehan")
    TRANSFER = "mutasi", _("Mutasi antar-OPD (keluar/masuk)")
    RECLASS = "reklasifikasi", _("Reklasifikasi")
    CORRECTION = "koreksi_nilai", _("Koreksi nilai")
    MAINTENANCE = "pemeliharaan", _("Pemeliharaan yang dikapitalisasi")
    CONDITION = "kondisi", _("Perubahan kondisi")
    USAGE = "pemanfaatan", _("Pemanfaatan (pinjam pakai/sewa)")
    USAGE_END = "pemanfaatan_selesai", _("Pemanfaatan selesai")
    DISPOSAL = "penghapusan", _("Penghapusan")
    REVERSAL = "pembalikan", _("Pembalikan (koreksi entri)")


# Kinds that change the recorded value (mutasi tambah/kurang in the reports).
VALUE_KINDS = frozenset({EntryKind.ACQUISITION, EntryKind.CORRECTION, EntryKind.MAINTENANCE})


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class UsageKind(models.TextChoices):
    LOAN = "pinjam_pakai", _("Pinjam pakai")
    LEASE = "sewa", _("Sewa")
    KSP = "kerja_sama", _("Kerja sama pemanfaatan")


class RunStatus(models.TextChoices):
    DONE = "done", _("Selesai")
    LOCKED = "locked", _("Dikunci")


class StockTakeStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    RUNNING = "running", _("Berjalan")
    CLOSED = "closed", _("Selesai")


class ScanResult(models.TextChoices):
    FOUND = "found", _("Ditemukan")
    UNREGISTERED = "unregistered", _("Ditemukan tetapi belum tercatat")
    OUT_OF_SCOPE = "out_of_scope", _("Milik OPD/ruang lain")


class AttachmentKind(models.TextChoices):
    """What a document or photo attached to an item is."""

    CERTIFICATE = "sertifikat", _("Sertifikat/bukti kepemilikan")
    BAST = "bast", _("Berita acara serah terima (BAST)")
    CONTRACT = "kontrak", _("Kontrak/faktur pembelian")
    BPKB = "bpkb", _("BPKB/STNK")
    PHOTO = "foto", _("Foto kondisi")
    OTHER = "lainnya", _("Dokumen lain")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Terbuka")
    DONE = "done", _("Selesai")


# The KIB's own fields: (key, label, type) with type "text", "number", "date", "int".
KIB_FIELDS: dict[str, list[tuple[str, StrOrPromise, str]]] = {
    Kib.A: [
        ("luas_m2", _("Luas (m²)"), "number"),
        ("alamat", _("Letak/alamat"), "text"),
        ("hak", _("Status hak"), "text"),
        ("sertifikat_tanggal", _("Tanggal sertifikat"), "date"),
        ("penggunaan", _("Penggunaan"), "text"),
    ],
    Kib.B: [
        ("merk_tipe", _("Merk/tipe"), "text"),
        ("ukuran_cc", _("Ukuran/CC"), "text"),
        ("bahan", _("Bahan"), "text"),
        ("nomor_pabrik", _("Nomor pabrik/seri"), "text"),
        ("nomor_rangka", _("Nomor rangka"), "text"),
        ("nomor_mesin", _("Nomor mesin"), "text"),
        ("nomor_polisi", _("Nomor polisi"), "text"),
        ("nomor_bpkb", _("Nomor BPKB"), "text"),
    ],
    Kib.C: [
        ("konstruksi_bertingkat", _("Bertingkat/tidak"), "text"),
        ("konstruksi_beton", _("Beton/tidak"), "text"),
        ("jumlah_lantai", _("Jumlah lantai"), "int"),
        ("luas_lantai_m2", _("Luas lantai (m²)"), "number"),
        ("alamat", _("Letak/alamat"), "text"),
        ("dokumen_nomor", _("Nomor dokumen gedung"), "text"),
        ("status_tanah", _("Status tanah"), "text"),
    ],
    Kib.D: [
        ("konstruksi", _("Konstruksi"), "text"),
        ("panjang_m", _("Panjang (m)"), "number"),
        ("lebar_m", _("Lebar (m)"), "number"),
        ("luas_m2", _("Luas (m²)"), "number"),
        ("alamat", _("Letak/lokasi"), "text"),
        ("dokumen_nomor", _("Nomor dokumen"), "text"),
        ("status_tanah", _("Status tanah"), "text"),
    ],
    Kib.E: [
        ("judul_pencipta", _("Judul/pencipta (buku)"), "text"),
        ("spesifikasi", _("Spesifikasi"), "text"),
        ("asal_daerah", _("Asal daerah (kesenian)"), "text"),
        ("jenis_hewan_tanaman", _("Jenis hewan/tanaman"), "text"),
        ("ukuran", _("Ukuran"), "text"),
    ],
    Kib.F: [
        ("bangunan", _("Bangunan (P/SP/D)"), "text"),
        ("konstruksi_bertingkat", _("Bertingkat/tidak"), "text"),
        ("luas_m2", _("Luas (m²)"), "number"),
        ("alamat", _("Letak/lokasi"), "text"),
        ("kontrak_nomor", _("Nomor kontrak"), "text"),
        ("kontrak_tanggal", _("Tanggal kontrak"), "date"),
        ("mulai", _("Tanggal mulai"), "date"),
        ("status_tanah", _("Status tanah"), "text"),
    ],
}
