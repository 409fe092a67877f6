from django.contrib import admin

from kendali.spbe.models import (
    Element,
    Evaluation,
    Framework,
    Policy,
    ReferenceCode,
    RoadmapVersion,
)


class ReadOnly(admin.ModelAdmin):
    """Read-mostly: every change goes through the services (audited) in the SPBE pages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Element)
class ElementAdmin(ReadOnly):
    list_display = ("code", "name", "domain", "reference_code", "agency", "validation")
    list_filter = ("domain", "validation")
    search_fields = ("code", "name", "reference_code")


@admin.register(ReferenceCode)
class ReferenceCodeAdmin(ReadOnly):
    list_display = ("code", "name", "model", "is_current")
    list_filter = ("model", "is_current")


@admin.register(Framework)
class FrameworkAdmin(ReadOnly):
    list_display = ("code", "version", "name", "loaded_at")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnly):
    list_display = ("framework", "year", "status", "index_value", "predicate")


admin.site.register(RoadmapVersion, ReadOnly)
admin.site.register(Policy, ReadOnly)
