from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "kendali.incidents"
    label = "incidents"
