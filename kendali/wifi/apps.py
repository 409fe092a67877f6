from django.apps import AppConfig


class WifiConfig(AppConfig):
    name = "kendali.wifi"
    label = "wifi"
