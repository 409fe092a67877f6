"""The control room keeps little of its own: what it shows comes from the modules
through the registry. It owns the short messages a supervisor or dispatcher puts on
the video wall, and the permission to watch the wall at all."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kendali.control.choices import MessageLevel


class WallMessage(models.Model):
    """A short message shown on the video wall and the operator dashboard until it expires."""

    text = models.CharField(_("pesan"), max_length=200)
    level = models.CharField(
        _("tingkat"), max_length=8, choices=MessageLevel.choices, default=MessageLevel.INFO
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesan dinding")
        verbose_name_plural = _("pesan dinding")
        permissions = [
            ("view_control", _("Melihat ruang kendali (dinding video, dasbor, riwayat)"))
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="control_wallmessage_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class WallDisplay(models.Model):
    """A screen of the video wall, named so the BMD register can link it to its KIB B item.

    The wall page opened as ``/ruang-kendali/dinding/?layar=<code>`` reports that it is up
    while its event stream is connected; ``last_seen_at`` moves at most once a minute."""

    code = models.SlugField(_("kode layar"), max_length=40, unique=True)
    name = models.CharField(_("nama layar"), max_length=100)
    last_seen_at = models.DateTimeField(_("terakhir terlihat"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("layar dinding")
        verbose_name_plural = _("layar dinding")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
