"""Read-only admin views: every change goes through the services (pages, API, CLI)."""

from django.contrib import admin

from kendali.sensors.models import Alarm, Device, Rule


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Device)
class DeviceAdmin(ReadOnly):
    list_display = ("code", "name", "kind", "agency", "status", "last_value_at")
    list_filter = ("kind", "status", "agency")
    search_fields = ("code", "name")


@admin.register(Rule)
class RuleAdmin(ReadOnly):
    list_display = ("name", "device", "kind", "variable", "open_incident", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(Alarm)
class AlarmAdmin(ReadOnly):
    list_display = ("id", "device", "kind", "level", "status", "raised_at", "incident_number")
    list_filter = ("status", "level", "kind")
