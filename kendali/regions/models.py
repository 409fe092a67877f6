from django.db import models
from django.utils.translation import gettext_lazy as _

from kendali.regions.choices import Level


class Region(models.Model):
    """Kota, kecamatan or kelurahan of Kota Serang, keyed by its Kemendagri code."""

    kode = models.CharField(_("kode Kemendagri"), max_length=20, primary_key=True)
    nama = models.CharField(_("nama"), max_length=100)
    level = models.CharField(_("tingkat"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    geometry = models.JSONField(_("batas wilayah (GeoJSON)"))
    centroid_lat = models.FloatField()
    centroid_lon = models.FloatField()
    area_km2 = models.FloatField(default=0)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.nama}"
