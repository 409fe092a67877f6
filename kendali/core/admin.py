from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kendali.core.models import Agency, AgencyChannel, AuditEntry, JobState, MachineToken, User

# The data administration speaks of Kendali, in the user's language.
admin.site.site_header = _("Administrasi data Kendali")
admin.site.site_title = _("Administrasi data Kendali")
admin.site.index_title = _("Data yang dapat dikelola")


@admin.register(User)
class KendaliUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Kendali", {"fields": ("full_name", "agency", "phone", "extension", "language")}),
    )
    list_display = ("username", "full_name", "agency", "is_active", "last_login")
    readonly_fields = ("last_login", "date_joined")


class ChannelInline(admin.TabularInline):
    model = AgencyChannel
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
    inlines = [ChannelInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "actor_label", "action", "object_type", "object_id", "source_ip")
    list_filter = ("kind",)
    search_fields = ("actor_label", "action", "object_id")


@admin.register(MachineToken)
class MachineTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "prefix", "scopes", "created_at", "revoked_at", "last_used_at")


@admin.register(JobState)
class JobStateAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "leader",
        "last_finished_at",
        "last_duration_ms",
        "runs",
        "failures",
        "last_error",
    )
