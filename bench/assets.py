"""Regional assets (BMD), issue 14.

* Semester depreciation over N items (default 200,000) through ``depreciation_run`` (three SQL
  statements), against a naive per-item ORM loop (read item, read its lines, insert a line,
  save the item) on the same data in the same run; the re-run (idempotent) too.
* Rebuilding the register from the ledger and comparing it with the stored register.
* The register list page (50 per page) filtered by OPD and KIB: p95 over 200 requests,
  against /api/v1/health in the same run.
* XLSX export of 100,000 KIB B rows (streamed): peak memory of a process that only writes it,
  against openpyxl's ordinary (non-streaming) workbook on the same rows.
* XLSX import of 50,000 rows: dry run and commit (all or nothing), peak memory.

Run: ``python bench/assets.py`` (SQLite then PostgreSQL, each in its own process), or
``--backend sqlite|postgres`` (``--postgres`` is short for the second) for one backend.
PostgreSQL: database KENDALI_BENCH_PG_DB (default kendali_assets_bench, dropped and created
by the run) on KENDALI_BENCH_PG (default postgres://postgres@127.0.0.1:5432).

Sizes: ``--items`` (register, default 200,000), ``--baseline-items`` (the naive loop's
sample), ``--requests`` (register list), ``--export-rows`` (100,000) and ``--import-rows``
(50,000). ``KENDALI_BENCH_QUICK=1`` is a smoke run at a tiny size (2,000 items, 200 in the
naive loop, 20 requests, 1,000/500 XLSX rows), printed and never recorded::

    KENDALI_BENCH_QUICK=1 python bench/assets.py --backend sqlite
    KENDALI_BENCH_QUICK=1 python bench/assets.py --postgres
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from common import QUICK, ROOT, declare, percentile, report

declare("Aset: register BMD", order=75, doc="assets")

PG = os.environ.get("KENDALI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("KENDALI_BENCH_PG_DB", "kendali_assets_bench")
# (items, naive-loop items, requests, export rows, import rows)
SIZES = (2_000, 200, 20, 1_000, 500) if QUICK else (200_000, 200_000, 200, 100_000, 50_000)
VAR = ROOT / "bench" / "var"


def _db_url(backend: str, workdir: Path) -> str:
    if backend == "postgres":
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        return f"{PG}/{PG_DB}"
    return f"sqlite:///{workdir / 'bench.sqlite3'}"


def _setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kendali.settings"
    os.environ["KENDALI_DEBUG"] = "1"
    os.environ["KENDALI_DATABASE_URL"] = url
    import django

    django.setup()


def _populate(n: int):
    """N active items over 12 OPDs (70 % KIB B), with their approved acquisition entries."""
    from importlib.resources import files

    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from kendali.assets import services
    from kendali.assets.choices import EntryKind, EntryStatus, ItemStatus
    from kendali.assets.models import CodeNode, Item, LedgerEntry, period_index, period_of
    from kendali.core.actors import Actor
    from kendali.core.choices import Role
    from kendali.core.models import Agency, User
    from kendali.core.roles import sync_roles

    call_command("migrate", verbosity=0)
    sync_roles()
    system = Actor.system("bench")
    services.codes_load_bundled(actor=system)
    base = files("kendali.assets").joinpath("data")
    services.settings_import_csv(
        actor=system, data=base.joinpath("contoh_pengaturan.csv").read_bytes()
    )
    opds = [
        Agency.objects.create(
            code=f"opd{i:02d}", name=f"OPD {i:02d}", short_name=f"OPD{i:02d}", kind="opd"
        )
        for i in range(12)
    ]
    bpkad = User.objects.create(username="bpkad-bench")
    bpkad.groups.add(Group.objects.get(name=Role.BMD_PENATAUSAHAAN))
    codes = list(CodeNode.objects.filter(level=7).values_list("code", "id", "kib"))
    by_kib: dict[str, list] = {}
    for code in codes:
        by_kib.setdefault(code[2], []).append(code)
    rng = random.Random(14)
    start = time.perf_counter()
    batch_items, batch_entries = [], []
    nibar = 0
    rules: dict = {}
    for i in range(n):
        kib = rng.choices("ABCDEF", weights=[2, 70, 4, 12, 10, 2])[0]
        code, code_id, _k = rng.choice(by_kib[kib])
        day = date(2010, 1, 1).fromordinal(date(2010, 1, 1).toordinal() + rng.randrange(5800))
        value = Decimal(rng.randrange(300_000, 90_000_000, 50_000))
        key = (code, day >= date(2019, 1, 1))
        rule = rules.get(key) or rules.setdefault(key, services.rule_for(code, day))
        nibar += 1
        agency = opds[i % 12]
        batch_items.append(
            Item(
                agency=agency,
                code_id=code_id,
                kib=kib,
                name=f"Barang {i}",
                nibar=f"{day.year}{nibar:08d}",
                register_no=i + 1,
                entered_year=day.year,
                status=ItemStatus.ACTIVE,
                acquisition_date=day,
                origin="apbd",
                acquisition_value=value,
                value=value,
                intra=rule.threshold is None or value >= rule.threshold,
                condition="B",
                details={"merk_tipe": "Merk"} if kib == "B" else {},
                life_semesters=(rule.life_years or 0) * 2,
                depreciable=rule.depreciable,
                start_index=period_index(period_of(day)),
            )
        )
        if len(batch_items) == 5000 or i == n - 1:
            Item.objects.bulk_create(batch_items)
            for item in batch_items:
                batch_entries.append(
                    LedgerEntry(
                        number=f"B-{item.pk}",
                        item=item,
                        kind=EntryKind.ACQUISITION,
                        status=EntryStatus.APPROVED,
                        entry_date=item.acquisition_date,
                        amount=item.value,
                        agency=item.agency,
                        data={
                            "code": code_by_id(codes, item.code_id),
                            "condition": "B",
                            "before": {"code": code_by_id(codes, item.code_id), "value": "0"},
                        },
                        applied_seq=item.pk,
                    )
                )
            LedgerEntry.objects.bulk_create(batch_entries)
            batch_items, batch_entries = [], []
    return opds, bpkad, time.perf_counter() - start


_code_names: dict[int, str] = {}


def code_by_id(codes, code_id: int) -> str:
    if not _code_names:
        _code_names.update({cid: code for code, cid, _k in codes})
    return _code_names[code_id]


def _naive(period: str, limit: int) -> tuple[float, int]:
    """The per-item loop a first version would write: one item at a time through the ORM."""
    from django.db import transaction
    from django.db.models import Sum

    from kendali.assets.models import DepreciationLine, Item, period_index

    index = period_index(period)
    start = time.perf_counter()
    done = 0
    with transaction.atomic():
        for item in Item.objects.filter(
            status="active", depreciable=True, life_semesters__gt=0, start_index__lte=index
        ).order_by("id")[:limit]:
            earlier = item.depreciation.filter(period_index__lt=index).aggregate(
                o=Sum("opening"), a=Sum("amount")
            )
            elapsed = index - item.start_index
            if earlier["a"] is None:
                prior = (
                    item.value * min(elapsed, item.life_semesters) / item.life_semesters
                ).quantize(Decimal("0.01"))
                opening = prior
            else:
                prior = (earlier["o"] or 0) + earlier["a"]
                opening = Decimal(0)
            remaining = item.life_semesters - elapsed
            left = item.value - prior
            if left <= 0 or remaining <= 0:
                amount = Decimal(0)
            elif remaining == 1:
                amount = left
            else:
                amount = (left / remaining).quantize(Decimal("0.01"))
            DepreciationLine.objects.create(
                item=item,
                period_index=index,
                agency_id_at=item.agency_id,
                opening=opening,
                amount=amount,
                accumulated_after=prior + amount,
                book_after=item.value - prior - amount,
                previous_through=item.depreciated_through,
            )
            item.accumulated = prior + amount
            item.depreciated_through = index
            item.save(update_fields=["accumulated", "depreciated_through"])
            done += 1
    return time.perf_counter() - start, done


def run_backend(
    backend: str, n: int, baseline_limit: int, requests: int, xlsx_rows: tuple[int, int] | None
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="assets-", dir=VAR))
    url = _db_url(backend, workdir)
    _setup(url)
    from django.test import Client

    from kendali.assets import services
    from kendali.assets.models import DepreciationLine, Item
    from kendali.core.actors import Actor

    opds, bpkad, seconds = _populate(n)
    report(f"assets.populate.{backend}", seconds, "s", items=n)
    actor = Actor(user=bpkad)
    with_time = time.perf_counter()
    run = services.depreciation_run(actor=actor, period="2025-S2")
    bulk = time.perf_counter() - with_time
    start = time.perf_counter()
    services.depreciation_run(actor=actor, period="2025-S2")
    rerun = time.perf_counter() - start
    # The naive loop on the same items, for the next semester (so it starts from the same
    # state the bulk run left), on a sample when asked; its per-item rate scales linearly.
    naive_s, naive_n = _naive("2026-S1", baseline_limit)
    naive_full = naive_s / max(naive_n, 1) * run.items
    report(
        f"assets.depreciation.{backend}",
        bulk,
        "s",
        baseline_name="naive per-item ORM loop"
        + ("" if naive_n >= run.items else f" ({naive_n} items measured, scaled to {run.items})"),
        baseline=naive_full,
        target="< 30 s",
        items=run.items,
        lines=DepreciationLine.objects.count(),
    )
    report(
        f"assets.depreciation_rerun.{backend}",
        rerun,
        "s",
        target="< 30 s (idempotent re-run)",
        items=run.items,
    )
    start = time.perf_counter()
    differences = services.register_differences()
    report(
        f"assets.rebuild_compare.{backend}",
        time.perf_counter() - start,
        "s",
        differences=len(differences),
        items=n,
    )
    # Register list page.
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(bpkad)
    rng = random.Random(3)
    client.get(f"/aset/?opd={opds[0].pk}&kib=B")  # warm-up: templates compiled once per process
    client.get("/api/v1/health")
    times, health = [], []
    for i in range(requests):
        opd = rng.choice(opds)
        kib = rng.choice("ABCDEFB")
        page = rng.randrange(1, 4)
        start = time.perf_counter()
        response = client.get(f"/aset/?opd={opd.pk}&kib={kib}&page={page}")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        if i % 2 == 0:
            start = time.perf_counter()
            client.get("/api/v1/health")
            health.append((time.perf_counter() - start) * 1000)
    report(
        f"assets.register_list_p95.{backend}",
        percentile(times, 95),
        "ms",
        baseline_name="/api/v1/health p95",
        baseline=percentile(health, 95),
        target="< 200 ms",
        items=Item.objects.count(),
        requests=requests,
    )
    if backend == "sqlite" and xlsx_rows:
        _xlsx(workdir, url, *xlsx_rows)


def _child(args: list[str], url: str) -> tuple[float, float, str]:
    """Run this file in a child process; (seconds, peak RSS MB, stdout)."""
    env = {**os.environ, "KENDALI_DATABASE_URL": url, "KENDALI_DEBUG": "1"}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - start
    peak = float(out.stdout.strip().splitlines()[-1].split()[-1])
    return seconds, peak, out.stdout


def _xlsx(workdir: Path, url: str, export_rows: int, import_rows: int) -> None:
    export = workdir / "kib_b.xlsx"
    seconds, peak, _ = _child(["--export", str(export), "--rows", str(export_rows)], url)
    base_s, base_peak, _ = _child(
        ["--export-naive", str(workdir / "naive.xlsx"), "--rows", str(export_rows)], url
    )
    report(
        "assets.xlsx_export_100k_peak_memory",
        peak,
        "MB",
        baseline_name="ordinary openpyxl workbook",
        baseline=base_peak,
        target="< 300 MB",
        seconds=round(seconds, 1),
        baseline_seconds=round(base_s, 1),
        rows=export_rows,
    )
    seconds, peak, out = _child(["--import", str(export), "--rows", str(import_rows)], url)
    report(
        "assets.xlsx_import_50k",
        seconds,
        "s",
        peak_mb=peak,
        rows=import_rows,
        detail=out.strip().splitlines()[-2],
    )


def _peak_mb() -> float:
    # VmHWM, not ru_maxrss: on Linux ru_maxrss survives fork+exec, so a child started by a
    # large parent would report the parent's size.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_main(args) -> None:
    _setup(os.environ["KENDALI_DATABASE_URL"])
    from kendali.assets import importer, reports
    from kendali.assets.models import Item
    from kendali.core.actors import Actor
    from kendali.core.models import Agency, User

    if args.export or args.export_naive:
        ids = list(
            Item.objects.filter(kib="B").order_by("id").values_list("id", flat=True)[: args.rows]
        )
        cutoff = ids[-1]
        spec = reports.Spec(kind="kib_b", agency=None)
        original = reports._item_rows

        def limited(spec, kib):
            header, rows = original(spec, kib)
            return header, (r for i, r in zip(range(args.rows), rows, strict=False))

        reports._item_rows = limited
        if args.export:
            with open(args.export, "wb") as out:
                reports.write_xlsx(spec, out)
        else:
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            header, rows = reports.rows_for(spec)
            ws.append(header)
            for row in rows:
                ws.append([float(v) if isinstance(v, Decimal) else v for v in row])
            wb.save(args.export_naive)
        print("rows", len(ids), "cutoff", cutoff)
    elif args.import_:
        agency = Agency.objects.create(
            code="opd-impor", name="OPD impor", short_name="Impor", kind="opd"
        )
        path = Path(args.import_)
        # A copy without NIBARs: every row is new to the register.
        from openpyxl import Workbook, load_workbook

        source = load_workbook(path, read_only=True)
        target = Workbook(write_only=True)
        ws = target.create_sheet("KIB B")
        n = 0
        nibar_col = None
        for row in source.worksheets[0].iter_rows(values_only=True):
            row = list(row)
            if nibar_col is None and "NIBAR" in row:
                nibar_col = row.index("NIBAR")
            elif nibar_col is not None:
                row[nibar_col] = None
                n += 1
                if n > args.rows:
                    break
            ws.append(row)
        fresh = path.with_name("impor.xlsx")
        target.save(fresh)
        user = User.objects.create(username="importer-bench", is_superuser=True)
        start = time.perf_counter()
        dry = importer.dry_run(path=fresh, agency=agency)
        dry_s = time.perf_counter() - start
        start = time.perf_counter()
        batch = importer.import_commit(actor=Actor(user=user), path=fresh, agency=agency)
        commit_s = time.perf_counter() - start
        print(
            f"dry run {dry.rows} rows {dry_s:.1f} s, {len(dry.problems)} problems; "
            f"commit {batch.rows} rows {commit_s:.1f} s"
        )
    print("peak_mb", round(_peak_mb(), 1))


def main() -> None:
    items, baseline, requests, export_rows, import_rows = SIZES
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--postgres", dest="backend", action="store_const", const="postgres", help="PostgreSQL only"
    )
    parser.add_argument("--items", type=int, default=items)
    parser.add_argument("--baseline-items", type=int, default=baseline)
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--export-rows", type=int, default=export_rows)
    parser.add_argument("--import-rows", type=int, default=import_rows)
    parser.add_argument("--export")
    parser.add_argument("--export-naive")
    parser.add_argument("--import", dest="import_")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx-only", help="database URL of an earlier run: only the XLSX figures")
    parser.add_argument(
        "--no-xlsx", action="store_true", help="skip the XLSX figures (they run on SQLite only)"
    )
    args = parser.parse_args()
    if args.export or args.export_naive or args.import_:
        child_main(args)
        return
    VAR.mkdir(parents=True, exist_ok=True)
    xlsx_rows = None if args.no_xlsx else (args.export_rows, args.import_rows)
    if args.xlsx_only and xlsx_rows:
        _xlsx(Path(tempfile.mkdtemp(prefix="assets-xlsx-", dir=VAR)), args.xlsx_only, *xlsx_rows)
        return
    if args.backend:
        run_backend(args.backend, args.items, args.baseline_items, args.requests, xlsx_rows)
        return
    for backend in ("sqlite", "postgres"):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend",
                backend,
                "--items",
                str(args.items),
                "--baseline-items",
                str(args.baseline_items),
                "--requests",
                str(args.requests),
                "--export-rows",
                str(args.export_rows),
                "--import-rows",
                str(args.import_rows),
                *(["--no-xlsx"] if args.no_xlsx else []),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
