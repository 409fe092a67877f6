"""Forms of the BMD pages: they turn typed input into clean values; services decide."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.assets.choices import (
    KIB_FIELDS,
    AttachmentKind,
    Condition,
    EntryKind,
    Kib,
    Origin,
    UsageKind,
)
from kendali.assets.models import Room
from kendali.core.models import Agency

DATE = forms.DateInput(attrs={"type": "date"})


class ItemForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("OPD"))
    code = forms.CharField(
        label=_("Kode barang (Permendagri 108/2016)"),
        max_length=24,
        widget=forms.TextInput(attrs={"list": "kode-list", "placeholder": "1.3.2.10.01.02.003"}),
    )
    name = forms.CharField(label=_("Nama/uraian barang"), max_length=255)
    acquisition_date = forms.DateField(label=_("Tanggal perolehan"), widget=DATE)
    value = forms.DecimalField(label=_("Nilai perolehan (Rp)"), max_digits=18, decimal_places=2)
    origin = forms.ChoiceField(label=_("Asal usul"), choices=Origin.choices)
    condition = forms.ChoiceField(label=_("Kondisi"), choices=Condition.choices)
    quantity = forms.IntegerField(label=_("Jumlah"), min_value=1, initial=1)
    unit = forms.CharField(label=_("Satuan"), initial="unit", max_length=20)
    certificate_number = forms.CharField(
        label=_("Nomor sertifikat/dokumen"), required=False, max_length=80
    )
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), label=_("Ruang (KIR)"), required=False
    )
    lat = forms.FloatField(label=_("Lintang"), required=False)
    lon = forms.FloatField(label=_("Bujur"), required=False)
    note = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, kib: str, agencies, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.kib = kib
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = rooms
        for key, label, kind in KIB_FIELDS.get(kib, []):
            field: forms.Field
            if kind == "number":
                field = forms.DecimalField(label=label, required=False, min_value=0)
            elif kind == "int":
                field = forms.IntegerField(label=label, required=False, min_value=0)
            elif kind == "date":
                field = forms.DateField(label=label, required=False, widget=DATE)
            else:
                field = forms.CharField(label=label, required=False, max_length=300)
            self.fields[f"d_{key}"] = field

    def details(self) -> dict:
        return {
            key[2:]: value
            for key, value in self.cleaned_data.items()
            if key.startswith("d_") and value not in (None, "")
        }


class KibChoiceForm(forms.Form):
    kib = forms.ChoiceField(label=_("KIB"), choices=Kib.choices)


ENTRY_KINDS = [
    (k.value, k.label) for k in EntryKind if k not in (EntryKind.ACQUISITION, EntryKind.REVERSAL)
]


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis entri"), choices=ENTRY_KINDS)
    entry_date = forms.DateField(label=_("Tanggal"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Nilai (Rp; koreksi boleh negatif)"),
        required=False,
        max_digits=18,
        decimal_places=2,
    )
    to_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("OPD tujuan (mutasi)"), required=False
    )
    code = forms.CharField(label=_("Kode baru (reklasifikasi)"), required=False, max_length=24)
    condition = forms.ChoiceField(
        label=_("Kondisi baru"), required=False, choices=[("", "—"), *Condition.choices]
    )
    usage = forms.ChoiceField(
        label=_("Bentuk pemanfaatan"), required=False, choices=[("", "—"), *UsageKind.choices]
    )
    party = forms.CharField(label=_("Pihak pemakai"), required=False, max_length=150)
    note = forms.CharField(
        label=_("Keterangan/dasar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_agency"]).queryset = agencies


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Setujui")), ("reject", _("Tolak"))])
    note = forms.CharField(required=False, max_length=500)


class ReverseForm(forms.Form):
    entry_date = forms.DateField(label=_("Tanggal pembalikan"), widget=DATE)
    note = forms.CharField(label=_("Alasan"), max_length=500)


class RunForm(forms.Form):
    period = forms.RegexField(
        label=_("Semester"),
        regex=r"^\d{4}-S[12]$",
        max_length=7,
        widget=forms.TextInput(attrs={"placeholder": "2026-S1"}),
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("OPD (kosong: seluruh kota)"), required=False
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies


class LockForm(forms.Form):
    period = forms.RegexField(label=_("Semester"), regex=r"^\d{4}-S[12]$", max_length=7)


class StockTakeForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("OPD"))
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), label=_("Ruang (kosong: seluruh OPD)"), required=False
    )
    name = forms.CharField(label=_("Nama kegiatan"), max_length=200)
    planned_for = forms.DateField(label=_("Tanggal"), widget=DATE)

    def __init__(self, *args, agencies, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        cast(forms.ModelChoiceField, self.fields["room"]).queryset = rooms


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas (.xlsx atau .csv)"))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis lampiran"), choices=AttachmentKind.choices)
    title = forms.CharField(
        label=_("Judul (mis. SHM No. 123/Cipare)"), required=False, max_length=200
    )
    file = forms.FileField(
        label=_("Berkas (PDF, JPEG, PNG atau WebP; maks. 10 MB)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/webp"}
        ),
    )


class AttachmentRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=300)


class FindDraftForm(forms.Form):
    """Complete a find (an item on site not in the register) into a draft acquisition."""

    scan = forms.IntegerField(widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Kode barang"),
        max_length=24,
        widget=forms.TextInput(attrs={"list": "kode-list", "placeholder": "1.3.2.10.01.02.003"}),
    )
    name = forms.CharField(label=_("Nama/uraian barang"), max_length=255)
    value = forms.DecimalField(
        label=_("Nilai (Rp; nilai wajar bila tanpa dokumen)"), max_digits=18, decimal_places=2
    )
    acquisition_date = forms.DateField(label=_("Tanggal perolehan/pencatatan"), widget=DATE)
    origin = forms.ChoiceField(label=_("Asal usul"), choices=Origin.choices, initial=Origin.OTHER)


class FindDismissForm(forms.Form):
    scan = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Alasan (bukan BMD, pindaian ganda…)"), max_length=300)
