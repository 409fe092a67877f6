"""Read-only admin views of citizen reports (every change goes through the services)."""

from django.contrib import admin

from kendali.reports.models import Category, Report, RoutingRule


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnly):
    list_display = ("code", "name", "agency", "geometry", "is_emergency", "is_active")


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnly):
    list_display = ("category", "kelurahan", "agency")


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ("tracking", "category", "status", "stage", "agency", "created_at")
    list_filter = ("status", "stage")
    search_fields = ("tracking",)
    exclude = ("token", "description", "submitter_hash")
