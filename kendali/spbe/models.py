"""SPBE: the architecture catalogue, index evaluations, the peta rencana and internal policies."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kendali.core.models import Agency
from kendali.spbe.choices import (
    AnswerStatus,
    Classification,
    Domain,
    ElementStatus,
    EvaluationStatus,
    EvidenceKind,
    Hosting,
    InitiativeStatus,
    PolicyStatus,
    RelationKind,
    Validation,
    VersionKind,
)


class ReferenceCode(models.Model):
    """One code of a national reference model (RAB, RAD, RAL, RAA, RAI, RAK), loaded from the
    bundled lists; ``is_current`` False once a newer list no longer has it."""

    model = models.CharField(_("model referensi"), max_length=3, db_index=True)
    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    parent_code = models.CharField(max_length=40, blank=True)
    depth = models.PositiveSmallIntegerField(default=1)
    list_version = models.CharField(max_length=40, blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kode referensi")
        verbose_name_plural = _("kode referensi")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Element(models.Model):
    """A component of the city's SPBE architecture in one of the six domains."""

    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices, db_index=True)
    code = models.CharField(_("kode komponen"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("OPD pengampu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spbe_elements",
    )
    reference_code = models.CharField(_("kode referensi"), max_length=40, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ElementStatus.choices, default=ElementStatus.AKTIF
    )
    validation = models.CharField(
        _("status validasi"), max_length=20, choices=Validation.choices, default=Validation.DRAF
    )
    # Four eyes: whoever last changed the element may not validate it. None for rows from
    # before this was recorded and for changes by a job with no person behind it (the
    # registry sync): then any reviewer may validate.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    validation_note = models.TextField(_("catatan validasi"), blank=True)
    # Data & informasi
    walidata = models.CharField(_("walidata"), max_length=120, blank=True)
    classification = models.CharField(
        _("klasifikasi"), max_length=20, choices=Classification.choices, blank=True
    )
    # Aplikasi
    users = models.CharField(_("pengguna"), max_length=200, blank=True)
    hosting = models.CharField(_("hosting"), max_length=20, choices=Hosting.choices, blank=True)
    has_api = models.BooleanField(_("keterpaduan/API"), default=False)
    integrations = models.CharField(_("integrasi"), max_length=300, blank=True)
    # Infrastruktur: an asset of the assets module or a device a module registers as an asset
    # source ("wifi.access_point:12", "assets.item:KIB-B-…"), by reference only.
    asset_ref = models.CharField(_("referensi aset"), max_length=120, blank=True, db_index=True)
    # Kendali's own components, kept in step with the registry (None for everything else).
    system_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "code"]
        verbose_name = _("elemen arsitektur")
        verbose_name_plural = _("elemen arsitektur")
        permissions = [
            ("view_spbe", _("Melihat arsitektur, evaluasi dan peta rencana SPBE")),
            ("edit_spbe", _("Mengubah elemen dan jawaban SPBE OPD sendiri")),
            ("manage_spbe", _("Mengelola seluruh SPBE (koordinator)")),
            ("review_spbe", _("Menerima atau mengembalikan jawaban dan elemen SPBE")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Relation(models.Model):
    source = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="incoming")
    kind = models.CharField(_("jenis"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="spbe_relation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="spbe_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Framework(models.Model):
    """An evaluation framework as versioned data (PermenPANRB 59/2020, Pemdi 2026, …)."""

    code = models.CharField(_("kode"), max_length=60)
    version = models.CharField(_("versi"), max_length=20)
    name = models.CharField(_("nama"), max_length=200)
    legal_basis = models.CharField(_("dasar hukum"), max_length=300, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    predicates = models.JSONField(default=list)  # [{"nama": str, "min": float}] high to low
    source_sha256 = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="spbe_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class FrameworkDomain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    weight = models.FloatField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FrameworkAspect(models.Model):
    domain = models.ForeignKey(FrameworkDomain, on_delete=models.CASCADE, related_name="aspects")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    weight = models.FloatField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FrameworkIndicator(models.Model):
    aspect = models.ForeignKey(FrameworkAspect, on_delete=models.CASCADE, related_name="indicators")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    weight = models.FloatField()
    levels = models.JSONField(default=list)  # [{"tingkat", "nama", "kriteria", "diringkas"}]
    name_uncertain = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="spbe_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Evaluation(models.Model):
    """One year's evaluation of the city against one framework."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(
        max_length=20, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAF
    )
    index_value = models.FloatField(_("indeks"), null=True, blank=True)  # frozen at lock
    predicate = models.CharField(_("predikat"), max_length=60, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "year"], name="spbe_evaluation_year")
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.year}"


class Answer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(FrameworkIndicator, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("OPD penjawab"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spbe_answers",
    )
    level = models.PositiveSmallIntegerField(
        _("tingkat"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    justification = models.TextField(_("penjelasan"), blank=True)
    status = models.CharField(
        max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.DRAF
    )
    # Four eyes: whoever last wrote the level or explanation, and whoever put the answer up
    # for review, may not accept it.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("catatan reviu"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["evaluation", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="spbe_answer_unique"),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="spbe_answer_level_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} #{self.indicator.code}"


class Evidence(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # Documents are kept in the database: an upload that fails validation or rolls back leaves
    # nothing behind on disk.
    content = models.BinaryField(null=True, blank=True, editable=False)
    source_key = models.CharField(max_length=80, blank=True)  # EvidenceSource key
    snapshot = models.JSONField(default=dict, blank=True)  # live evidence as read
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer", "created_at"]

    def __str__(self) -> str:
        return self.title


class RoadmapVersion(models.Model):
    """One version (baseline or revision) of the five-year peta rencana."""

    number = models.PositiveSmallIntegerField(_("nomor versi"), unique=True)
    kind = models.CharField(max_length=20, choices=VersionKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("tahun awal"))
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"))
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} {self.title}"


class Initiative(models.Model):
    version = models.ForeignKey(
        RoadmapVersion, on_delete=models.CASCADE, related_name="initiatives"
    )
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=200)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"))
    end_year = models.PositiveSmallIntegerField(_("tahun selesai"))
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=16, decimal_places=0, default=0)
    status = models.CharField(
        max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.RENCANA
    )
    progress = models.PositiveSmallIntegerField(
        _("kemajuan (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    target_elements = models.ManyToManyField(Element, blank=True, related_name="initiatives")
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+")
    # Smart-city indicator codes this initiative is meant to move (plain strings, read by the
    # indicators module through the registry; no import either way).
    indicator_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["version", "start_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="spbe_initiative_code"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="spbe_initiative_years",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="spbe_initiative_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Policy(models.Model):
    """One of the ten internal SPBE policies a pemda must set (indicators 1–10 of 59/2020)."""

    number = models.PositiveSmallIntegerField(_("nomor"), unique=True)
    title = models.CharField(_("kebijakan"), max_length=200)
    status = models.CharField(
        max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.BELUM
    )
    instrument = models.CharField(_("produk hukum"), max_length=200, blank=True)
    enacted_on = models.DateField(_("tanggal penetapan"), null=True, blank=True)
    review_due = models.DateField(_("tanggal reviu berikutnya"), null=True, blank=True)
    url = models.URLField(_("tautan dokumen"), max_length=500, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    note = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("kebijakan internal SPBE")
        verbose_name_plural = _("kebijakan internal SPBE")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
