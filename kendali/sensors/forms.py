from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.core.models import Agency
from kendali.sensors.choices import (
    MAX_RULE_SECONDS,
    PRIORITIES,
    DeviceKind,
    Level,
    Operator,
    RuleKind,
)


class AlarmActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("ack", "ack"), ("clear", "clear"), ("assign", "assign"), ("note", "note")]
    )
    note = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.IntegerField(required=False)


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV (device,variable,time,value[,unit])"))


class RulesImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas JSON aturan"))


class SubscriptionForm(forms.Form):
    min_level = forms.ChoiceField(
        label=_("Beri tahu saya mulai tingkat"),
        choices=[(v, label) for v, label in Level.choices if v != Level.NORMAL],
    )
    kinds = forms.MultipleChoiceField(
        label=_("Jenis perangkat (kosong = semua)"),
        choices=DeviceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    only_my_agency = forms.BooleanField(label=_("Hanya perangkat instansi saya"), required=False)
    in_app = forms.BooleanField(label=_("Kotak masuk aplikasi"), required=False, initial=True)
    email = forms.BooleanField(label=_("E-mail ke alamat akun saya"), required=False)
    webhook_url = forms.URLField(
        label=_("Webhook (opsional)"), required=False, assume_scheme="https"
    )
    telegram_chat = forms.CharField(label=_("ID chat Telegram (opsional)"), required=False)


class DeviceForm(forms.Form):
    code = forms.SlugField(label=_("Kode (dipakai di topik MQTT)"), max_length=60)
    name = forms.CharField(label=_("Nama"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=DeviceKind.choices)
    agency = forms.ModelChoiceField(label=_("OPD pemilik"), queryset=None)
    lat = forms.FloatField(label=_("Lintang"), required=False)
    lon = forms.FloatField(label=_("Bujur"), required=False)
    heartbeat_seconds = forms.IntegerField(
        label=_("Interval kirim (detik)"), initial=300, min_value=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)


class RuleForm(forms.Form):
    """One alarm rule of a device (the fields of docs/sensors.md, "Aturan dan alarm")."""

    rule_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Nama aturan"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=RuleKind.choices)
    variable = forms.ChoiceField(
        label=_("Variabel"), required=False, help_text=_("Kosong untuk aturan tidak mengirim data.")
    )
    operator = forms.ChoiceField(
        label=_("Arah ambang"), choices=Operator.choices, initial=Operator.ABOVE
    )
    threshold = forms.FloatField(
        label=_("Ambang / kenaikan"),
        required=False,
        help_text=_("Ambang batas, atau besar kenaikan untuk laju kenaikan (satuan variabel)."),
    )
    duration_seconds = forms.IntegerField(
        label=_("Durasi (detik)"),
        min_value=0,
        max_value=MAX_RULE_SECONDS,
        initial=0,
        help_text=_("Berapa lama kondisi harus bertahan sebelum alarm muncul."),
    )
    window_seconds = forms.IntegerField(
        label=_("Jendela laju kenaikan (detik)"), min_value=0, max_value=MAX_RULE_SECONDS, initial=0
    )
    waspada = forms.FloatField(label=_("Batas waspada"), required=False)
    siaga = forms.FloatField(label=_("Batas siaga"), required=False)
    awas = forms.FloatField(label=_("Batas awas"), required=False)
    level = forms.ChoiceField(
        label=_("Tingkat alarm"),
        choices=[(v, label) for v, label in Level.choices if v != Level.NORMAL],
        initial=Level.SIAGA,
        help_text=_("Untuk ambang, laju kenaikan dan tidak mengirim data."),
    )
    open_incident = forms.BooleanField(label=_("Buka kejadian 112 otomatis"), required=False)
    incident_level = forms.ChoiceField(
        label=_("… mulai tingkat"),
        choices=[(v, label) for v, label in Level.choices if v != Level.NORMAL],
        initial=Level.AWAS,
    )
    incident_type = forms.CharField(label=_("Jenis kejadian"), max_length=40, initial="banjir")
    incident_priority = forms.ChoiceField(
        label=_("Prioritas kejadian"),
        choices=[(p, p) for p in PRIORITIES],
        initial="P1",
    )
    incident_agencies = forms.MultipleChoiceField(
        label=_("Instansi kejadian"), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variable"].choices = [("", "—")] + [
            (v.name, f"{v.name} ({v.unit})" if v.unit else v.name) for v in device.variables.all()
        ]
        self.fields["incident_agencies"].choices = list(
            Agency.objects.filter(is_active=True).values_list("code", "short_name")
        )

    def rule_data(self) -> dict:
        """The cleaned fields as keyword arguments of ``services.rule_save``."""
        data = dict(self.cleaned_data)
        data.pop("rule_id")
        return data


class VariableForm(forms.Form):
    name = forms.RegexField(
        label=_("Nama variabel (FIWARE)"),
        max_length=60,
        regex=r"^[A-Za-z][A-Za-z0-9_]*$",
        # Shown as HTML by the form templates: the attribute name is a code, marked as one.
        help_text=_(
            "Nama atribut FIWARE (kode untuk perangkat), mis. tinggi muka air = "
            "<code>currentLevel</code>."
        ),
        error_messages={"invalid": _("Huruf, angka dan garis bawah; diawali huruf.")},
    )
    unit = forms.CharField(label=_("Satuan"), max_length=20, required=False)
