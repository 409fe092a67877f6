from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.sensors.choices import DeviceKind, Level


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
    webhook_url = forms.URLField(label=_("Webhook (opsional)"), required=False)
    telegram_chat = forms.CharField(label=_("ID chat Telegram (opsional)"), required=False)


class DeviceForm(forms.Form):
    code = forms.SlugField(label=_("Kode (dipakai di topik MQTT)"), max_length=60)
    name = forms.CharField(label=_("Nama"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=DeviceKind.choices)
    agency = forms.ModelChoiceField(label=_("OPD pemilik"), queryset=None)
    latitude = forms.FloatField(label=_("Lintang"), required=False)
    longitude = forms.FloatField(label=_("Bujur"), required=False)
    heartbeat_seconds = forms.IntegerField(
        label=_("Interval kirim (detik)"), initial=300, min_value=10
    )

    def __init__(self, *args, **kwargs):
        from kendali.core.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)
