from django import forms
from django.utils.translation import gettext_lazy as _

from kendali.wifi.models import Park, QuotaGroup

MB = 1024 * 1024


class ParkForm(forms.Form):
    name = forms.CharField(label=_("Nama taman"), max_length=120)
    address = forms.CharField(label=_("Alamat"), max_length=250, required=False)
    lat = forms.FloatField(label=_("Lintang"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Bujur"), min_value=-180, max_value=180)
    opens_at = forms.TimeField(label=_("Jam buka"), required=False)
    closes_at = forms.TimeField(label=_("Jam tutup"), required=False)


class AccessPointForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=120)
    mac = forms.CharField(label=_("Alamat MAC"), max_length=17)
    model = forms.CharField(label=_("Model"), max_length=120, required=False)
    nas_ip = forms.GenericIPAddressField(label=_("IP NAS"))
    secret = forms.CharField(
        label=_("Rahasia bersama RADIUS"), min_length=12, widget=forms.PasswordInput
    )
    ssid = forms.CharField(label=_("SSID"), max_length=32, initial="Serang-Free-WiFi")
    uplink = forms.CharField(label=_("Uplink"), max_length=120, required=False)
    heartbeat_interval = forms.IntegerField(
        label=_("Interval detak (detik)"), min_value=10, max_value=3600, initial=60
    )


class AccessPointEditForm(AccessPointForm):
    """Editing keeps the stored secret unless a new one is typed (rotation)."""

    secret = forms.CharField(
        label=_("Rahasia bersama baru (kosongkan bila tidak diganti)"),
        min_length=12,
        required=False,
        widget=forms.PasswordInput,
    )


class QuotaGroupForm(forms.Form):
    name = forms.CharField(label=_("Nama grup"), max_length=80)
    daily_minutes = forms.IntegerField(label=_("Menit per hari (0 = tanpa batas)"), min_value=0)
    daily_mb = forms.IntegerField(label=_("MB per hari (0 = tanpa batas)"), min_value=0)
    monthly_mb = forms.IntegerField(label=_("MB per bulan (0 = tanpa batas)"), min_value=0)
    simultaneous_use = forms.IntegerField(
        label=_("Perangkat bersamaan"), min_value=1, max_value=20, initial=1
    )
    rate_down_kbps = forms.IntegerField(label=_("Unduh (kbps, 0 = tanpa batas)"), min_value=0)
    rate_up_kbps = forms.IntegerField(label=_("Unggah (kbps, 0 = tanpa batas)"), min_value=0)
    is_default = forms.BooleanField(label=_("Grup bawaan pendaftaran ponsel"), required=False)

    def to_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "daily_seconds": d["daily_minutes"] * 60,
            "daily_octets": d["daily_mb"] * MB,
            "monthly_octets": d["monthly_mb"] * MB,
            "simultaneous_use": d["simultaneous_use"],
            "rate_down_kbps": d["rate_down_kbps"],
            "rate_up_kbps": d["rate_up_kbps"],
            "is_default": d["is_default"],
        }


class VoucherBatchForm(forms.Form):
    name = forms.CharField(label=_("Nama kumpulan"), max_length=120)
    group = forms.ModelChoiceField(label=_("Grup kuota"), queryset=QuotaGroup.objects.all())
    park = forms.ModelChoiceField(label=_("Taman"), queryset=Park.objects.all(), required=False)
    count = forms.IntegerField(label=_("Jumlah"), min_value=1, max_value=500, initial=20)
    valid_days = forms.IntegerField(
        label=_("Berlaku (hari)"), min_value=1, max_value=366, initial=30
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Nomor ponsel"), max_length=20)
    terms = forms.BooleanField(label=_("Saya menyetujui ketentuan penggunaan"), required=False)


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(label=_("Kode dari SMS"), max_length=8)


class VoucherForm(forms.Form):
    code = forms.CharField(label=_("Kode voucher"), max_length=24)
    terms = forms.BooleanField(label=_("Saya menyetujui ketentuan penggunaan"), required=False)


class AnnouncementForm(forms.Form):
    text = forms.CharField(label=_("Teks pengumuman"), max_length=300)
    park = forms.ModelChoiceField(
        label=_("Taman (kosong = semua)"), queryset=Park.objects.all(), required=False
    )
    days = forms.IntegerField(label=_("Tampil selama (hari)"), min_value=1, max_value=90, initial=7)
