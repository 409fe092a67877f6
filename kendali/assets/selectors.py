"""Reads of the BMD module, scoped with ``core.scope`` to the actor's OPD (or all for BPKAD)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.assets.choices import Condition, EntryStatus, ItemStatus
from kendali.assets.models import (
    DepreciationRun,
    Item,
    ItemAttachment,
    LedgerEntry,
    MaintenanceTask,
    Room,
    StockTake,
    period_end,
    period_index,
    period_of,
)
from kendali.core.actors import Actor
from kendali.core.errors import Invalid, NotAllowed, NotFound
from kendali.core.models import Agency
from kendali.core.scope import may_see_agency, scope_queryset

PERM_VIEW = "assets.view_item"


def _require(actor: Actor, perm: str = PERM_VIEW) -> None:
    if not actor.has_perm(perm):
        raise NotAllowed(_("Peran Anda tidak berhak melihat data BMD."))


def opds(*, actor: Actor) -> QuerySet:
    return scope_queryset(Agency.objects.filter(kind="opd", is_active=True), actor, "id")


def items_visible(*, actor: Actor) -> QuerySet:
    _require(actor)
    return scope_queryset(Item.objects.all(), actor, "agency")


def item_list(
    *,
    actor: Actor,
    agency_id: int | None = None,
    kib: str = "",
    status: str = "",
    q: str = "",
    room_id: int | None = None,
) -> QuerySet:
    qs = (
        items_visible(actor=actor)
        .select_related("agency", "code", "room", "kelurahan")
        .defer("kelurahan__geometry")
    )
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if kib:
        qs = qs.filter(kib=kib)
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status__in=[ItemStatus.REJECTED, ItemStatus.CANCELLED])
    if room_id:
        qs = qs.filter(room_id=room_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(nibar=q) | Q(code__code__startswith=q))
    return qs.order_by("-id")


def item_for(*, actor: Actor, item_id: int) -> Item:
    item = (
        items_visible(actor=actor)
        .select_related("agency", "code", "room", "kelurahan", "kecamatan")
        .defer("kelurahan__geometry", "kecamatan__geometry")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("Barang tidak ditemukan."))
    return item


def entries_visible(*, actor: Actor) -> QuerySet:
    _require(actor)
    return scope_queryset(
        LedgerEntry.objects.select_related(
            "item", "agency", "to_agency", "drafted_by", "decided_by"
        ),
        actor,
        "agency",
        "to_agency",
    )


def entry_for(*, actor: Actor, entry_id: int) -> LedgerEntry:
    entry = entries_visible(actor=actor).filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("Entri tidak ditemukan."))
    return entry


def pending_entries(*, actor: Actor) -> QuerySet:
    return entries_visible(actor=actor).filter(status=EntryStatus.DRAFT).order_by("drafted_at")


def rooms(*, actor: Actor, agency_id: int | None = None) -> QuerySet:
    _require(actor)
    qs = scope_queryset(Room.objects.select_related("agency"), actor, "agency")
    return qs.filter(agency_id=agency_id) if agency_id else qs


def accumulated_at(item: Item, on: date) -> Decimal:
    """Accumulated depreciation of an item at the end of the last semester ended by ``on``."""
    last = period_index(period_of(on))
    if period_end(last) > on:
        last -= 1
    total = item.depreciation.filter(period_index__lte=last).aggregate(
        s=Sum("opening"), a=Sum("amount")
    )
    return (Decimal(str(total["s"] or 0)) + Decimal(str(total["a"] or 0))).quantize(Decimal("0.01"))


def value_at(item: Item, on: date) -> Decimal:
    """Recorded value on a date, from the approved ledger."""
    total = Decimal(0)
    for entry in item.entries.filter(status=EntryStatus.APPROVED, entry_date__lte=on).order_by(
        "applied_seq"
    ):
        if entry.kind in ("perolehan", "koreksi_nilai", "pemeliharaan", "pembalikan"):
            if entry.kind == "pembalikan" and entry.reversed_entry().kind not in (
                "perolehan",
                "koreksi_nilai",
                "pemeliharaan",
            ):
                continue
            total += entry.amount
    return total


def book_value_at(item: Item, on: date) -> Decimal:
    return value_at(item, on) - accumulated_at(item, on)


def values_on(item: Item, text: str, *, field: str = "at") -> dict:
    """Recorded value, accumulated depreciation and book value on the date ``text``
    (YYYY-MM-DD, from the item page or ``?at=``): between the acquisition and today, since
    depreciation is posted per semester and a later date would only guess."""
    try:
        on = date.fromisoformat((text or "").strip())
    except ValueError:
        on = None
    if on is None or len(text.strip()) != 10:
        message = _("Tanggal tidak valid: tulis TTTT-BB-HH, misalnya 2025-12-31.")
    elif on < item.acquisition_date:
        message = _("Tanggal itu sebelum tanggal perolehan (%(d)s).") % {
            "d": item.acquisition_date.strftime("%d-%m-%Y")
        }
    elif on > timezone.localdate():
        message = _("Tanggal tidak boleh setelah hari ini.")
    else:
        value, accumulated = value_at(item, on), accumulated_at(item, on)
        return {
            "on": on,
            "value": value,
            "accumulated": accumulated,
            "book_value": value - accumulated,
        }
    raise Invalid(message, errors={field: [message]})


def depreciation_runs(*, actor: Actor) -> QuerySet:
    _require(actor)
    runs = DepreciationRun.objects.select_related("agency", "run_by")
    return scope_queryset(runs, actor, "agency") | runs.filter(agency__isnull=True)


def stocktakes(*, actor: Actor) -> QuerySet:
    _require(actor)
    return scope_queryset(StockTake.objects.select_related("agency", "room"), actor, "agency")


def stocktake_for(*, actor: Actor, stocktake_id: int) -> StockTake:
    st = stocktakes(actor=actor).filter(pk=stocktake_id).first()
    if st is None:
        raise NotFound(_("Inventarisasi tidak ditemukan."))
    return st


def stocktake_progress(stocktake: StockTake) -> dict:
    from kendali.assets.services import stocktake_items

    expected = stocktake_items(stocktake)
    total = expected.count()
    scans = stocktake.scans.all()
    found = scans.filter(result="found").values("item_id").distinct().count()
    return {
        "total": total,
        "found": found,
        "not_found": max(total - found, 0),
        "unregistered": scans.filter(result="unregistered").count(),
        "unregistered_open": scans.filter(result="unregistered", drafted_item__isnull=True)
        .exclude(proposed__has_key="dismissed")
        .count(),
        "out_of_scope": scans.filter(result="out_of_scope").count(),
        "scans": scans.count(),
        "percent": round(found * 100 / total) if total else 0,
    }


def stocktake_finds(stocktake: StockTake) -> QuerySet:
    """Items found on site but not in the register (the census was read through the scope)."""
    return (
        stocktake.scans.filter(result="unregistered")
        .select_related("drafted_item")
        .order_by("scanned_at", "id")
    )


def find_for(*, actor: Actor, stocktake_id: int, scan_id: int):
    """One find of a census the actor may see; NotFound otherwise."""
    st = stocktake_for(actor=actor, stocktake_id=stocktake_id)
    scan = stocktake_finds(st).filter(pk=scan_id).first()
    if scan is None:
        raise NotFound(_("Pindaian tidak ditemukan."))
    return scan


def find_state(scan) -> str:
    if scan.drafted_item_id:
        return "drafted"
    return "dismissed" if "dismissed" in (scan.proposed or {}) else "open"


def live_state(item: Item, *, actor: Actor) -> dict | None:
    """The linked device's live state, read from whichever module registered it."""
    if not item.device_ref:
        return None
    from kendali.core.registry import asset_sources, run_selector

    for source in asset_sources():
        if item.device_ref.startswith(source.key + ":"):
            states = run_selector(source.states, refs=[item.device_ref]) or {}
            state = states.get(item.device_ref)
            if state is not None:
                return {**state, "source": str(source.label)}
    return {"online": None, "last_seen": None, "open_alarms": 0, "summary": _("Tidak ada kabar")}


def attachments_of(item: Item) -> QuerySet:
    """The item's documents and photos still shown (the item was read through the scope)."""
    return (
        ItemAttachment.objects.filter(item=item, removed_at__isnull=True)
        .select_related("uploaded_by", "item")
        .order_by("uploaded_at", "id")
    )


def attachment_for(*, actor: Actor, item_id: int, attachment_id: int) -> ItemAttachment:
    """One attachment of an item the actor may see; another OPD's gets NotFound (404)."""
    item = item_for(actor=actor, item_id=item_id)
    attachment = attachments_of(item).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Lampiran tidak ditemukan."))
    return attachment


def tasks_of(item: Item) -> QuerySet:
    return MaintenanceTask.objects.filter(item=item)


# --------------------------------------------------------------------------- registry reads


def assets_layer(*, actor: Actor) -> dict:
    """Control-room layer (off by default): recorded items that have a point."""
    features = []
    qs = items_visible(actor=actor).filter(status=ItemStatus.ACTIVE, lat__isnull=False)
    color = {Condition.GOOD: "#2e7d32", Condition.FAIR: "#f9a825", Condition.BROKEN: "#c62828"}
    for row in qs.values("id", "name", "nibar", "kib", "lat", "lon", "condition")[:3000]:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {
                    "label": row["name"],
                    "color": color.get(row["condition"], "#555"),
                    "icon": "▦",
                    "popup": f"KIB {row['kib']} · NIBAR {row['nibar']} · {row['name']}",
                    "url": f"/aset/{row['id']}/",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def pending_tile(*, actor: Actor) -> dict:
    n = pending_entries(actor=actor).count()
    return {
        "value": n,
        "unit": _("entri"),
        "detail": _("menunggu persetujuan"),
        "level": "ok" if n == 0 else "warn",
    }


def summary_by_opd(*, agency_ids=None) -> list[dict]:
    """Recorded items per OPD and KIB: count, value, accumulated depreciation (no personal
    data; used by the open-data set and the figures)."""
    qs = Item.objects.filter(status=ItemStatus.ACTIVE)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    rows = (
        qs.values("agency__short_name", "agency__code", "kib")
        .annotate(n=Count("id"), value=Sum("value"), acc=Sum("accumulated"))
        .order_by("agency__short_name", "kib")
    )
    return [
        {
            "opd": r["agency__short_name"],
            "kode_opd": r["agency__code"],
            "kib": r["kib"],
            "jumlah": r["n"],
            "nilai": float(r["value"] or 0),
            "akumulasi_penyusutan": float(r["acc"] or 0),
            "nilai_buku": float((r["value"] or 0) - (r["acc"] or 0)),
        }
        for r in rows
    ]


def may_see(actor: Actor, item: Item) -> bool:
    return may_see_agency(actor, item.agency_id)
