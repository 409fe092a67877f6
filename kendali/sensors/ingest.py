"""The ingest hot path: validate a batch item by item, store the good readings with one
multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` per chunk, and fold only the rows
that were really inserted into the 1-minute and 1-hour rollups with
``INSERT … ON CONFLICT DO UPDATE`` (count/sum add up, min/max widen).

Because the rollups are updated from the rows the database reports as newly inserted,
duplicates (re-sent readings, MQTT redeliveries) never count twice, and out-of-order
readings land in their own buckets. No ORM objects are built per reading.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from kendali.sensors import conf
from kendali.sensors.models import Device, Reading, RollupHour, RollupMinute, Variable

# Table names in the SQL below come from model meta; every value is a bound parameter.
CHUNK = 3000  # rows per INSERT statement (3 parameters each; below SQLite's 32766 limit)
# No sensor measures beyond this; a larger value is a fault, and refusing it keeps the
# rollup sums far from a double's range (PostgreSQL raises on overflow, failing a batch).
MAX_ABS_VALUE = 1e15


@dataclass
class Prepared:
    """Validated rows: (variable_id, db_time, value, epoch_seconds)."""

    rows: list[tuple] = field(default_factory=list)
    # older than the raw retention, kept only when importing history (rollups only)
    old_rows: list[tuple] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    duplicates_in_batch: int = 0
    device_ids: set[int] = field(default_factory=set)


def reject(index: int, code: str, reason: str) -> dict:
    return {"index": index, "code": code, "reason": reason}


def _db_time_formatter():
    """How a UTC datetime is passed to the database, matching what the ORM stores."""
    if connection.vendor == "sqlite":
        # The ORM stores naive UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]"); use the same
        # text so the unique constraint and ORM range queries agree.
        return lambda dt: str(dt.replace(tzinfo=None))
    return lambda dt: dt


def parse_time(raw) -> datetime | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            return None
        try:
            return datetime.fromtimestamp(raw, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(raw, str) and 10 <= len(raw) <= 40:
        try:
            parsed = datetime.fromisoformat(raw)
            if parsed.tzinfo is None:
                return None
            # Converting to UTC can leave datetime's range ("0001-01-01T00:00:00+14:00").
            return parsed.astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    return None


def prepare(
    items: list,
    *,
    devices: dict[str, Device],
    variables: dict[tuple[int, str], Variable],
    only_device: Device | None = None,
    now: datetime | None = None,
    keep_old: bool = False,
) -> Prepared:
    """Check each item on its own; good ones become rows, bad ones get a reason. With
    ``keep_old`` (history import) readings older than the raw retention become
    ``old_rows`` instead of being refused."""
    now = now or timezone.now()
    latest = now + timedelta(seconds=conf.FUTURE_TOLERANCE_SECONDS)
    oldest = now - timedelta(days=conf.RAW_RETENTION_DAYS)
    fmt = _db_time_formatter()
    out = Prepared()
    seen: set[tuple[int, object]] = set()
    # Readings of one instant (several variables of a device) share the parsing.
    times: dict = {}
    rows = out.rows
    rejected = out.rejected
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            rejected.append(reject(index, "not-an-object", _("Butir harus berupa objek JSON.")))
            continue
        code = item.get("device")
        if code is None and only_device is not None:
            device = only_device
        else:
            device = devices.get(code) if isinstance(code, str) else None
        if device is None or not device.is_active:
            rejected.append(reject(index, "unknown-device", _("Perangkat tidak dikenal.")))
            continue
        name = item.get("variable")
        variable = variables.get((device.pk, name)) if isinstance(name, str) else None
        if variable is None:
            rejected.append(
                reject(index, "unknown-variable", _("Variabel tidak dikenal untuk perangkat ini."))
            )
            continue
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            rejected.append(reject(index, "not-a-number", _("Nilai harus berupa angka.")))
            continue
        try:
            value = float(value)
        except OverflowError:  # an integer too large for a float (hundreds of digits)
            rejected.append(reject(index, "not-a-number", _("Nilai harus berupa angka.")))
            continue
        if not math.isfinite(value):
            rejected.append(
                reject(index, "not-finite", _("Nilai NaN atau tak hingga tidak diterima."))
            )
            continue
        if abs(value) > MAX_ABS_VALUE:
            rejected.append(
                reject(index, "out-of-range", _("Nilai di luar batas yang masuk akal."))
            )
            continue
        unit = item.get("unit")
        if unit is not None and unit != variable.unit:
            rejected.append(
                reject(
                    index,
                    "wrong-unit",
                    _("Satuan salah: %(got)s, seharusnya %(want)s.")
                    % {"got": str(unit)[:20], "want": variable.unit},
                )
            )
            continue
        raw_time = item.get("time")
        cached = times.get(raw_time) if isinstance(raw_time, str | int | float) else None
        if cached is None:
            at = parse_time(raw_time)
            cached = (at, fmt(at) if at is not None else None, at.timestamp() if at else 0.0)
            if isinstance(raw_time, str | int | float):
                times[raw_time] = cached
        at, db_time, ts = cached
        if at is None:
            rejected.append(
                reject(
                    index,
                    "bad-time",
                    _("Waktu harus ISO 8601 dengan zona waktu atau detik epoch."),
                )
            )
            continue
        if at > latest:
            rejected.append(reject(index, "future-time", _("Waktu terlalu jauh di masa depan.")))
            continue
        too_old = at < oldest
        if too_old and not keep_old:
            rejected.append(
                reject(index, "too-old", _("Waktu lebih lama dari masa simpan data mentah."))
            )
            continue
        key = (variable.pk, db_time)
        if key in seen:
            out.duplicates_in_batch += 1
            continue
        seen.add(key)
        if too_old:
            out.old_rows.append((variable.pk, db_time, value, ts))
            continue
        out.device_ids.add(device.pk)
        rows.append((variable.pk, db_time, value, ts))
    return out


def _normalize_returned_time(value, fmt):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return fmt(value.astimezone(UTC))
    return value


def store(rows: list[tuple]) -> list[tuple]:
    """Insert rows; return the ones the database actually inserted. Call inside a transaction."""
    if not rows:
        return []
    fmt = _db_time_formatter()
    table = connection.ops.quote_name(Reading._meta.db_table)
    sqlite = connection.vendor == "sqlite"
    mark = "?" if sqlite else "%s"
    # On SQLite the returned time is cast to text: it is then exactly the text inserted
    # (no datetime conversion of every returned row).
    returned_time = "CAST(time AS TEXT)" if sqlite else "time"
    inserted_keys: set = set()
    connection.ensure_connection()
    # The DB-API cursor of Django's connection (same transaction): the hot path skips
    # the query-logging wrapper and placeholder rewriting of Django's cursor.
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values = ",".join([f"({mark},{mark},{mark})"] * len(chunk))
            params = []
            for variable_id, db_time, value, _ts in chunk:
                params += (variable_id, db_time, value)
            cursor.execute(
                f"INSERT INTO {table} (variable_id, time, value) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (variable_id, time) DO NOTHING RETURNING variable_id, {returned_time}",
                params,
            )
            if sqlite:
                inserted_keys.update(cursor.fetchall())
            else:
                for variable_id, returned in cursor.fetchall():
                    inserted_keys.add((variable_id, _normalize_returned_time(returned, fmt)))
    finally:
        cursor.close()
    if len(inserted_keys) == len(rows):
        return rows
    return [row for row in rows if (row[0], row[1]) in inserted_keys]


def _aggregate(rows: list[tuple], width: int) -> dict[tuple[int, int], list[float]]:
    buckets: dict[tuple[int, int], list[float]] = {}
    for variable_id, _t, value, ts in rows:
        key = (variable_id, int(ts // width) * width)
        agg = buckets.get(key)
        if agg is None:
            buckets[key] = [1, value, value, value]
        else:
            agg[0] += 1
            agg[1] += value
            if value < agg[2]:
                agg[2] = value
            if value > agg[3]:
                agg[3] = value
    return buckets


def _rollup_batches(rows: list[tuple], width: int, fmt):
    """The rows folded into ``width``-second buckets, as (VALUES placeholders, params)
    batches of rollup rows (variable, bucket, count, total, minimum, maximum)."""
    items = list(_aggregate(rows, width).items())
    for start in range(0, len(items), CHUNK // 2):
        chunk = items[start : start + CHUNK // 2]
        params = []
        for (variable_id, bucket_ts), (count, total, lo, hi) in chunk:
            bucket = fmt(datetime.fromtimestamp(bucket_ts, tz=UTC))
            params += (variable_id, bucket, count, total, lo, hi)
        yield ",".join(["(%s,%s,%s,%s,%s,%s)"] * len(chunk)), params


def _upsert_rollup(cursor, model, width: int, rows: list[tuple]) -> None:
    """Add rows to one rollup table (count/sum add up, min/max widen), any arrival order."""
    least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
    table = connection.ops.quote_name(model._meta.db_table)
    for values, params in _rollup_batches(rows, width, _db_time_formatter()):
        cursor.execute(
            f"INSERT INTO {table} (variable_id, bucket, count, total, minimum, maximum) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (variable_id, bucket) DO UPDATE SET "
            f"count = {table}.count + excluded.count, "
            f"total = {table}.total + excluded.total, "
            f"minimum = {least}({table}.minimum, excluded.minimum), "
            f"maximum = {greatest}({table}.maximum, excluded.maximum)",
            params,
        )


def update_rollups(new_rows: list[tuple]) -> None:
    """Fold newly inserted rows into both rollup tables (upserts, any arrival order)."""
    if not new_rows:
        return
    with connection.cursor() as cursor:
        _upsert_rollup(cursor, RollupMinute, 60, new_rows)
        _upsert_rollup(cursor, RollupHour, 3600, new_rows)


def store_history(old_rows: list[tuple]) -> list[tuple]:
    """History older than the raw retention goes into the rollups only, by whole minutes:
    a minute that has no 1-minute rollup yet gets one (and is added to its hour); a minute
    that already has one is left as it is. Without raw rows to check against, that is what
    keeps a re-imported file from counting twice: every counted reading created or widened
    its minute rollup, so a missing minute holds nothing counted yet. Returns the rows
    counted; the others are duplicates. Call inside a transaction."""
    if not old_rows:
        return []
    fmt = _db_time_formatter()
    sqlite = connection.vendor == "sqlite"
    table = connection.ops.quote_name(RollupMinute._meta.db_table)
    returned_bucket = "CAST(bucket AS TEXT)" if sqlite else "bucket"
    created: set = set()
    with connection.cursor() as cursor:
        for values, params in _rollup_batches(old_rows, 60, fmt):
            # Race: two imports of the same file at once; the unique (variable, bucket)
            # lets exactly one create each minute, and only its rows are counted.
            cursor.execute(
                f"INSERT INTO {table} (variable_id, bucket, count, total, minimum, maximum) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (variable_id, bucket) DO NOTHING "
                f"RETURNING variable_id, {returned_bucket}",
                params,
            )
            for variable_id, bucket in cursor.fetchall():
                created.add((variable_id, _normalize_returned_time(bucket, fmt)))
        kept = [
            row
            for row in old_rows
            if (row[0], fmt(datetime.fromtimestamp(int(row[3] // 60) * 60, tz=UTC))) in created
        ]
        if kept:
            _upsert_rollup(cursor, RollupHour, 3600, kept)
    return kept


def update_latest(new_rows: list[tuple]) -> dict[int, tuple[float, float]]:
    """Newest (epoch, value) per variable among new rows; variables and devices remember
    their newest reading (only ever moving forward in time)."""
    newest: dict[int, tuple[float, float]] = {}
    for variable_id, _t, value, ts in new_rows:
        current = newest.get(variable_id)
        if current is None or ts > current[0]:
            newest[variable_id] = (ts, value)
    if not newest:
        return newest
    fmt = _db_time_formatter()
    var_table = connection.ops.quote_name(Variable._meta.db_table)
    with connection.cursor() as cursor:
        params = []
        for variable_id, (ts, value) in newest.items():
            at = fmt(datetime.fromtimestamp(ts, tz=UTC))
            params.append((value, at, variable_id, at))
        # Conditional UPDATE: a late (older) batch never moves "latest" backwards.
        cursor.executemany(
            f"UPDATE {var_table} SET last_value = %s, last_time = %s "  # noqa: S608
            "WHERE id = %s AND (last_time IS NULL OR last_time < %s)",
            params,
        )
    return newest


def lookup(items: list, only_device: Device | None):
    """Devices and variables named in the batch: two queries whatever the batch size."""
    # (an unhashable "device" such as a list is rejected per item later, not a TypeError here)
    codes = {
        item["device"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("device"), str)
    }
    if only_device is not None:
        codes.add(only_device.code)
    devices = {d.code: d for d in Device.objects.filter(code__in=codes)}
    variables = {
        (v.device_id, v.name): v for v in Variable.objects.filter(device__in=devices.values())
    }
    return devices, variables


def group_by_variable(rows: list[tuple]) -> dict[int, list[tuple[float, float]]]:
    grouped: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for variable_id, _t, value, ts in rows:
        grouped[variable_id].append((ts, value))
    for readings in grouped.values():
        readings.sort()
    return grouped
