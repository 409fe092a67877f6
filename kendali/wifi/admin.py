from django.contrib import admin

from kendali.wifi.models import AccessPoint, Announcement, Park, QuotaGroup, RadiusEvent


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "kelurahan", "kecamatan")
    readonly_fields = ("kelurahan", "kecamatan")


@admin.register(AccessPoint)
class AccessPointAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "mac", "nas_ip", "status", "last_seen_at")
    exclude = ("secret_encrypted",)
    readonly_fields = ("status", "last_seen_at", "status_changed_at")


@admin.register(QuotaGroup)
class QuotaGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "daily_seconds", "daily_octets", "monthly_octets", "is_default")


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("text", "park", "starts_at", "ends_at")


@admin.register(RadiusEvent)
class RadiusEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "result", "username", "source_ip", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
