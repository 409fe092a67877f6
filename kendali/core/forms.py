from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.core.choices import AgencyKind, AuditKind, ChannelKind, Role, TokenScope
from kendali.core.models import Agency
from kendali.core.widgets import DateInput


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode 6 digit"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": _("Masukkan 6 angka dari aplikasi autentikator.")},
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Aksi"), required=False)
    actor = forms.CharField(label=_("Pelaku"), required=False)
    object_type = forms.CharField(label=_("Jenis objek"), required=False)
    kind = forms.ChoiceField(
        label=_("Jenis"), required=False, choices=[("", _("Semua"))] + list(AuditKind.choices)
    )
    since = forms.DateField(label=_("Sejak"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Sampai"), required=False, widget=DateInput())


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=120)
    scopes = forms.MultipleChoiceField(
        label=_("Cakupan"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )


class AgencyForm(forms.Form):
    code = forms.SlugField(label=_("Kode"), max_length=40)
    short_name = forms.CharField(label=_("Singkatan"), max_length=40)
    name = forms.CharField(label=_("Nama lengkap"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=AgencyKind.choices)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    lat = forms.FloatField(label=_("Lintang"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Bujur"), required=False, min_value=-180, max_value=180)
    is_active = forms.BooleanField(label=_("Aktif"), required=False, initial=True)


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kanal"), choices=ChannelKind.choices)
    value = forms.CharField(label=_("Nomor/alamat"), max_length=500)
    label = forms.CharField(label=_("Keterangan"), max_length=100, required=False)


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Nama pengguna"), regex=r"^[\w.@+-]{3,150}$", max_length=150
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200)
    password = forms.CharField(label=_("Kata sandi awal"), widget=forms.PasswordInput)
    roles = forms.MultipleChoiceField(
        label=_("Peran"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi"), queryset=Agency.objects.filter(is_active=True), required=False
    )
    extension = forms.CharField(label=_("Ekstensi PBX"), max_length=20, required=False)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Kata sandi lama"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("Kata sandi baru"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Ulangi kata sandi baru"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("Kedua kata sandi baru tidak sama."))
        return data
