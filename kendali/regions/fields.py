"""The one way a model says where something lies: a foreign key to a Region row (a kelurahan
or a kecamatan; the Kemendagri code is the key), empty for "unknown" or outside the city."""

from __future__ import annotations

from django.db import models


def region_field(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )
