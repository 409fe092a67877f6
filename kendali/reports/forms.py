"""Forms of the category and routing editor: the shape of the input (lengths, choices);
the rules (code not taken, OPD active, incident type known) stay in the services."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.core.models import Agency
from kendali.incidents.selectors import type_choices
from kendali.regions.selectors import kelurahan_choices
from kendali.reports.choices import Geometry


def _agencies():
    return Agency.objects.filter(is_active=True).order_by("name")


class CategoryForm(forms.Form):
    code = forms.SlugField(
        label=_("Kode (service_code Open311)"),
        max_length=40,
        help_text=_("Huruf kecil, angka dan tanda hubung; tidak dapat diubah setelah disimpan."),
    )
    name = forms.CharField(label=_("Nama"), max_length=120)
    group = forms.CharField(label=_("Kelompok"), max_length=80, required=False)
    description = forms.CharField(label=_("Keterangan"), max_length=300, required=False)
    keywords = forms.CharField(label=_("Kata kunci (dipisah koma)"), max_length=200, required=False)
    agency = forms.ModelChoiceField(
        label=_("OPD penanggung jawab"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— belum ditentukan —"),
    )
    geometry = forms.ChoiceField(label=_("Bentuk lokasi"), choices=Geometry.choices)
    is_emergency = forms.BooleanField(
        label=_("Darurat (pengingat 112, dapat dieskalasi ke kejadian 112)"), required=False
    )
    incident_type_code = forms.ChoiceField(label=_("Jenis kejadian 112"), required=False)
    order = forms.IntegerField(label=_("Urutan tampil"), min_value=0, max_value=10_000)
    is_active = forms.BooleanField(
        label=_("Aktif (tampil untuk warga dan Open311)"), required=False
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = _agencies()
        cast(forms.ChoiceField, self.fields["incident_type_code"]).choices = [
            ("", _("— tidak ada —")),
            *type_choices(),
        ]
        if editing:
            # The Open311 service_code is the category's identity for client applications.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Tidak dapat diubah: dipakai aplikasi Open311.")


class RoutingRuleForm(forms.Form):
    kelurahan = forms.ChoiceField(label=_("Kelurahan"))
    agency = forms.ModelChoiceField(
        label=_("Ditangani oleh"), queryset=Agency.objects.none(), empty_label=_("— pilih —")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kelurahan"]).choices = [
            ("", _("— pilih —")),
            *kelurahan_choices(),
        ]
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = _agencies()
