"""The draft form: CAP fields with Indonesian labels; the checks themselves live in
``validation`` and run again in the services."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kendali.alerts.choices import CapStatus, Category, Certainty, Severity, Urgency
from kendali.alerts.validation import DraftInput
from kendali.core.widgets import DateTimeLocalInput


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class AlertDraftForm(forms.Form):
    event = forms.CharField(label=_("Jenis kejadian"), max_length=200, required=False)
    headline = forms.CharField(label=_("Judul"), max_length=160, required=False)
    description = forms.CharField(
        label=_("Uraian"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    instruction = forms.CharField(
        label=_("Arahan bagi warga"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    categories = forms.MultipleChoiceField(
        label=_("Kategori"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    urgency = forms.ChoiceField(
        label=_("Urgensi"), choices=[("", "—"), *Urgency.choices], required=False
    )
    severity = forms.ChoiceField(
        label=_("Keparahan"), choices=[("", "—"), *Severity.choices], required=False
    )
    certainty = forms.ChoiceField(
        label=_("Kepastian"), choices=[("", "—"), *Certainty.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status pesan"), choices=CapStatus.choices, initial=CapStatus.ACTUAL
    )
    effective = forms.DateTimeField(
        label=_("Berlaku sejak (WIB)"), widget=DateTimeLocalInput(), required=False
    )
    onset = forms.DateTimeField(
        label=_("Perkiraan mulai (WIB)"), widget=DateTimeLocalInput(), required=False
    )
    expires = forms.DateTimeField(
        label=_("Berakhir (WIB)"), widget=DateTimeLocalInput(), required=False
    )
    sender_name = forms.CharField(label=_("Nama pengirim"), max_length=200, required=False)
    contact = forms.CharField(label=_("Kontak"), max_length=200, required=False)
    web = forms.CharField(label=_("Tautan informasi (opsional)"), max_length=200, required=False)
    kelurahan = forms.MultipleChoiceField(
        label=_("Kelurahan"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    kecamatan = forms.MultipleChoiceField(
        label=_("Kecamatan"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    circle_lat = forms.FloatField(label=_("Lintang pusat"), required=False)
    circle_lon = forms.FloatField(label=_("Bujur pusat"), required=False)
    circle_radius_km = forms.FloatField(label=_("Jari-jari (km)"), required=False, min_value=0)
    circle_description = forms.CharField(
        label=_("Nama wilayah lingkaran"), max_length=200, required=False
    )
    event_en = forms.CharField(label=_("Event (English)"), max_length=200, required=False)
    headline_en = forms.CharField(label=_("Headline (English)"), max_length=160, required=False)
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    instruction_en = forms.CharField(
        label=_("Instruction (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, kelurahan_choices=(), kecamatan_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = kelurahan_choices
        self.fields["kecamatan"].choices = kecamatan_choices

    def to_input(self) -> DraftInput:
        data = self.cleaned_data
        return DraftInput(
            **{
                name: data.get(name) if data.get(name) is not None else default
                for name, default in _defaults().items()
            }
        )

    def add_service_errors(self, errors: dict) -> None:
        for field, message in (errors or {}).items():
            target = field if field in self.fields else None
            if field in ("area", "circle"):
                target = None
            self.add_error(target, message)


def _defaults() -> dict:
    blank = DraftInput()
    return {name: getattr(blank, name) for name in blank.__dataclass_fields__}


def initial_from_query(params) -> dict:
    """Pre-fill from a link such as the sensors or incidents pages make:
    /peringatan/baru/?event=Banjir&category=Met&kelurahan=36.73.02.1001,36.73.02.1002&…"""
    now = timezone.localtime()
    initial = {
        "effective": now.replace(second=0, microsecond=0),
        "expires": (now + timedelta(hours=6)).replace(second=0, microsecond=0),
        "status": CapStatus.ACTUAL,
    }
    for name in (
        "event",
        "headline",
        "description",
        "instruction",
        "contact",
        "source",
        "sender_name",
    ):
        if params.get(name):
            initial[name] = params[name][:2000]
    for name, choices in (("urgency", Urgency), ("severity", Severity), ("certainty", Certainty)):
        if params.get(name) in choices.values:
            initial[name] = params[name]
    categories = [c for c in _split(params.get("category", "")) if c in Category.values]
    if categories:
        initial["categories"] = categories
    for name in ("kelurahan", "kecamatan"):
        if params.get(name):
            initial[name] = _split(params[name])
    for key, name in (
        ("lat", "circle_lat"),
        ("lon", "circle_lon"),
        ("radius_km", "circle_radius_km"),
    ):
        try:
            initial[name] = float(params[key])
        except (KeyError, ValueError):
            pass
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
