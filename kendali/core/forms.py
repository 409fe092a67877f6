from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.core.choices import AuditKind, TokenScope


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
    since = forms.DateField(
        label=_("Sejak"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=120)
    scopes = forms.MultipleChoiceField(
        label=_("Cakupan"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )
