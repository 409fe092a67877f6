from django.contrib import admin

from kendali.assets.models import CodeNode, CodeSetting, Item, LedgerEntry, Room, SemesterLock


@admin.register(CodeNode)
class CodeNodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kib")
    search_fields = ("code", "name")


@admin.register(CodeSetting)
class CodeSettingAdmin(admin.ModelAdmin):
    list_display = ("prefix", "effective_from", "useful_life_years", "threshold", "depreciable")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("agency", "code", "name", "building")


class ReadOnly(admin.ModelAdmin):
    """The register and the ledger change only through the services (maker/approver)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(ReadOnly):
    list_display = ("nibar", "name", "agency", "kib", "value", "status")
    list_filter = ("kib", "status")
    search_fields = ("nibar", "name")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("number", "item", "kind", "status", "entry_date", "amount")
    list_filter = ("kind", "status")


@admin.register(SemesterLock)
class SemesterLockAdmin(ReadOnly):
    list_display = ("period", "locked_by", "locked_at")
