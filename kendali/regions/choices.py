from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
