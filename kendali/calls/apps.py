from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "kendali.calls"
    label = "calls"
