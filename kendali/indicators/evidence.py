"""Live SPBE evidence from the open-data catalogue and the indicator programme (read by the
``spbe`` module through the core registry): how many data sets are published with complete
Satu Data metadata, how often they are downloaded, and how many indicators have figures."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kendali.core.actors import Actor
from kendali.core.registry import EvidenceSource, register_evidence
from kendali.indicators import datacatalog
from kendali.indicators.models import DatasetDownload


def open_data(*, actor: Actor, year: int) -> dict:
    sets = datacatalog.all_datasets()
    complete = sum(1 for d in sets if datacatalog.complete(datacatalog.metadata(d)))
    downloads = (
        DatasetDownload.objects.filter(
            day__gte=date(year, 1, 1), day__lt=date(year + 1, 1, 1)
        ).aggregate(n=Sum("count"))["n"]
        or 0
    )
    return {
        "title": _("Katalog data terbuka Kota Serang"),
        "summary": _(
            "%(n)s data set terbit otomatis dari layanan Kendali dengan metadata Satu Data "
            "Indonesia, dipanen lewat DCAT-AP dan CKAN API."
        )
        % {"n": complete},
        "figures": {
            _("Data set bermetadata lengkap"): complete,
            _("Unduhan tahun ini"): downloads,
        },
        "url": "/opendata/",
    }


register_evidence(
    EvidenceSource(
        "indicators.open_data",
        gettext_lazy("Data terbuka (Satu Data Indonesia)"),
        "kendali.indicators.evidence.open_data",
        indicators=("43",),
    )
)
