from django.contrib import admin

from kendali.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("kode", "nama", "level", "parent", "area_km2")
    list_filter = ("level",)
    search_fields = ("kode", "nama")
    exclude = ("geometry",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
