from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "kendali.dispatch"
    label = "dispatch"
