from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageLevel(models.TextChoices):
    INFO = "info", _("Informasi")
    WARN = "warn", _("Perhatian")
    BAD = "bad", _("Darurat")
