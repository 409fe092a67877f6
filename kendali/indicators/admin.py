from django.contrib import admin

from kendali.indicators.models import EnteredFigure, FigureSnapshot, Target


@admin.register(EnteredFigure)
class EnteredFigureAdmin(admin.ModelAdmin):
    """Read-only: figures change only through the services (four eyes, audit)."""

    list_display = ("indicator_code", "year", "value", "unit", "agency", "status", "entered_by")
    list_filter = ("status", "year")
    search_fields = ("indicator_code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("indicator_code", "year", "value", "initiatives")
    list_filter = ("year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FigureSnapshot)
class FigureSnapshotAdmin(admin.ModelAdmin):
    list_display = ("figure_key", "year", "value", "reason", "computed_at")
    list_filter = ("year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
