from django import forms
from django.utils.translation import gettext_lazy as _


class FigureForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indikator"))
    year = forms.IntegerField(label=_("Tahun"), min_value=2018, max_value=2100)
    value = forms.FloatField(label=_("Nilai"))
    unit = forms.CharField(label=_("Satuan"), max_length=40)
    evidence = forms.CharField(
        label=_("Bukti dukung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dokumen sumber angka: judul, nomor, tanggal (mis. Profil Kesehatan 2025)."),
    )
    evidence_url = forms.URLField(label=_("Tautan bukti"), required=False, assume_scheme="https")
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [
            (i.code, f"{i.code} — {i.name} ({i.unit})") for i in indicators
        ]


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Catatan"), required=False, max_length=1000)


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indikator"))
    year = forms.IntegerField(label=_("Tahun"), min_value=2018, max_value=2100)
    value = forms.FloatField(label=_("Target"))
    initiatives = forms.CharField(
        label=_("Inisiatif peta rencana SPBE"),
        required=False,
        help_text=_("Kode inisiatif dipisah koma, mis. PR-2026-03, PR-2026-07."),
    )
    note = forms.CharField(label=_("Catatan"), required=False, max_length=300)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, f"{i.code} — {i.name}") for i in indicators]
