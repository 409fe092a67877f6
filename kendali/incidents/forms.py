from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.core.models import Agency
from kendali.core.widgets import DateInput
from kendali.incidents.choices import IncidentStatus, Priority
from kendali.incidents.selectors import type_choices
from kendali.regions.models import Region

STATUS_FILTER = [
    ("", _("Semua status")),
    ("terbuka", _("Terbuka (baru/diproses)")),
    *IncidentStatus.choices,
]


def _type_choices(empty_label):
    return [("", empty_label), *type_choices()]


def _region_choices(level: str, empty_label):
    return [("", empty_label), *Region.objects.filter(level=level).values_list("kode", "nama")]


class IncidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER, required=False)
    type = forms.ChoiceField(label=_("Jenis"), required=False)
    priority = forms.ChoiceField(
        label=_("Prioritas"), choices=[("", _("Semua")), *Priority.choices], required=False
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)
    since = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Sampai tanggal"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = _type_choices(_("Semua jenis"))
        self.fields["kecamatan"].choices = _region_choices("kecamatan", _("Semua kecamatan"))
        self.fields["kelurahan"].choices = _region_choices("kelurahan", _("Semua kelurahan"))


class IncidentCreateForm(forms.Form):
    type_code = forms.ChoiceField(label=_("Jenis kejadian"))
    priority = forms.ChoiceField(
        label=_("Prioritas"),
        choices=[("", _("Bawaan jenis")), *Priority.choices],
        required=False,
    )
    lat = forms.FloatField(label=_("Lintang"), required=False)
    lon = forms.FloatField(label=_("Bujur"), required=False)
    address = forms.CharField(label=_("Alamat / patokan"), max_length=300, required=False)
    description = forms.CharField(label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 3}))
    reporter_name = forms.CharField(label=_("Nama pelapor"), max_length=200, required=False)
    reporter_phone = forms.CharField(label=_("Telepon pelapor"), max_length=40, required=False)
    agency_codes = forms.MultipleChoiceField(
        label=_("Instansi (kosong: bawaan jenis)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = _type_choices(_("— pilih —"))
        self.fields["agency_codes"].choices = list(
            Agency.objects.filter(is_active=True).values_list("code", "short_name")
        )

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(
                _("Lintang dan bujur harus diisi keduanya, atau dikosongkan keduanya.")
            )
        return data


class IncidentEditForm(IncidentCreateForm):
    """Correcting an incident on its page: type, priority, place, description, agencies.
    The reporter's contact is personal data and is not shown here (each showing is audited
    on the detail page); the API can still correct it."""

    priority = forms.ChoiceField(label=_("Prioritas"), choices=Priority.choices)
    agency_codes = forms.MultipleChoiceField(
        label=_("Instansi"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reporter_name"]
        del self.fields["reporter_phone"]
        self.fields["description"].required = False

    @classmethod
    def initial_for(cls, incident) -> dict:
        return {
            "type_code": incident.type.code,
            "priority": incident.priority,
            "lat": incident.lat,
            "lon": incident.lon,
            "address": incident.address,
            "description": incident.description,
            "agency_codes": list(incident.agencies.values_list("code", flat=True)),
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), choices=IncidentStatus.choices)
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class NoteForm(forms.Form):
    summary = forms.CharField(label=_("Catatan"), max_length=500)


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Gabungkan ke nomor"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "112-2026-000123"}),
    )
