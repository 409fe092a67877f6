"""Admin: the taxonomy is configuration (editable); incidents are read-only here, written
only through the services (pages and API), and never show the reporter's contact."""

from django.contrib import admin

from kendali.incidents.models import Incident, IncidentType


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_priority", "shortcut", "is_active", "order")
    list_filter = ("default_priority", "is_active")
    search_fields = ("name", "code")
    filter_horizontal = ("default_agencies",)

    def has_delete_permission(self, request, obj=None):
        return False  # incidents keep their type; deactivate instead


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("number", "type", "priority", "status", "kecamatan", "created_at")
    list_filter = ("status", "priority", "type")
    search_fields = ("number", "address")
    list_select_related = ("type", "kecamatan")
    exclude = ("reporter_name", "reporter_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
