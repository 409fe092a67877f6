from django.contrib import admin

from kendali.alerts.models import Alert, AlertArea, AlertInfo


class AlertInfoInline(admin.TabularInline):
    model = AlertInfo
    extra = 0
    can_delete = False
    readonly_fields = ("language", "event", "headline", "description", "instruction")


class AlertAreaInline(admin.TabularInline):
    model = AlertArea
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "region", "lat", "lon", "radius_km", "description")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: every change to a warning goes through the services (four eyes, audit)."""

    list_display = ("identifier", "msg_type", "state", "severity", "sent", "expires", "author")
    list_filter = ("state", "msg_type", "severity")
    search_fields = ("identifier", "infos__headline")
    inlines = [AlertInfoInline, AlertAreaInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
