from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    WATER_LEVEL = "water_level", _("Tinggi muka air")
    RAIN_GAUGE = "rain_gauge", _("Penakar hujan")
    AIR_QUALITY = "air_quality", _("Kualitas udara")
    TRAFFIC_COUNTER = "traffic_counter", _("Penghitung lalu lintas")
    STREETLIGHT = "streetlight", _("Penerangan jalan")
    CCTV_STATUS = "cctv_status", _("Status CCTV")
    # A camera measures nothing Kendali stores: it (or the NVR or a probe on its behalf)
    # sends a heartbeat, and its state is online/offline only. No video passes through.
    CAMERA = "camera", _("Kamera CCTV")
    GENERIC = "generic", _("Umum")


class DeviceStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Belum ada data")
    ONLINE = "online", _("Aktif")
    OFFLINE = "offline", _("Tidak mengirim data")


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("Ambang batas dengan durasi")
    RATE_OF_RISE = "rate_of_rise", _("Laju kenaikan")
    OFFLINE = "offline", _("Perangkat tidak mengirim data")
    BANDS = "bands", _("Tingkat siaga banjir")


class Operator(models.TextChoices):
    ABOVE = "above", _("di atas")
    BELOW = "below", _("di bawah")


class Level(models.TextChoices):
    """Alarm levels; for floods the bands of BPBD (normal, waspada, siaga, awas)."""

    NORMAL = "normal", _("Normal")
    WASPADA = "waspada", _("Waspada")
    SIAGA = "siaga", _("Siaga")
    AWAS = "awas", _("Awas")


LEVEL_ORDER = {Level.NORMAL: 0, Level.WASPADA: 1, Level.SIAGA: 2, Level.AWAS: 3}


# Priorities an automatic 112 incident may get (those of the incidents module) and the
# longest duration or window a rule may have.
PRIORITIES = ("P1", "P2", "P3", "P4")
MAX_RULE_SECONDS = 30 * 24 * 3600


class AlarmStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    ACKNOWLEDGED = "acknowledged", _("Diterima")
    CLEARED = "cleared", _("Selesai")


# FIWARE Smart Data Models variable names and units (UN/CEFACT codes in the models;
# here the everyday symbol shown to operators). Used as defaults for new devices.
DEFAULT_VARIABLES: dict[str, list[tuple[str, str]]] = {
    DeviceKind.WATER_LEVEL: [("currentLevel", "m")],
    DeviceKind.RAIN_GAUGE: [("precipitation", "mm")],
    DeviceKind.AIR_QUALITY: [
        ("pm25", "µg/m3"),
        ("pm10", "µg/m3"),
        ("no2", "µg/m3"),
        ("co", "µg/m3"),
        ("o3", "µg/m3"),
        ("airQualityIndex", "AQI"),
        ("temperature", "°C"),
        ("relativeHumidity", "%"),
    ],
    DeviceKind.TRAFFIC_COUNTER: [
        ("intensity", "kendaraan"),
        ("averageVehicleSpeed", "km/h"),
        ("occupancy", "%"),
    ],
    DeviceKind.STREETLIGHT: [("powerState", "on/off"), ("illuminanceLevel", "%")],
    DeviceKind.CCTV_STATUS: [("status", "on/off")],
    DeviceKind.CAMERA: [],
    DeviceKind.GENERIC: [],
}


# How the control-room wall names a variable in a sentence ("tinggi muka air 2,9 m").
VARIABLE_LABELS: dict[str, str] = {
    "currentLevel": _("tinggi muka air"),
    "precipitation": _("curah hujan"),
    "pm25": _("PM2,5"),
    "pm10": _("PM10"),
    "no2": _("NO2"),
    "co": _("CO"),
    "o3": _("O3"),
    "airQualityIndex": _("indeks kualitas udara"),
    "temperature": _("suhu"),
    "relativeHumidity": _("kelembapan"),
    "intensity": _("jumlah kendaraan"),
    "averageVehicleSpeed": _("kecepatan rata-rata"),
    "occupancy": _("kepadatan lajur"),
    "powerState": _("status daya"),
    "illuminanceLevel": _("tingkat terang"),
    "status": _("status"),
}
