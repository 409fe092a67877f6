"""Evaluation frameworks as data files: their schema, row-level validation and the bundled set.

A framework file is JSON::

    {"kode", "versi", "nama", "dasar_hukum"?, "catatan"?, "rumus": "berbobot",
     "predikat": [{"nama", "min"}],                  # from the highest to the lowest
     "domain": [{"kode", "nama", "bobot", "aspek": [...]}]   # or, without domains:
     "aspek": [{"kode", "nama", "bobot", "indikator": [
         {"kode", "nama", "bobot", "nama_belum_pasti"?,
          "tingkat": [{"tingkat": 1..5, "nama", "kriteria", "diringkas"?,
                       "nama_belum_pasti"?}]}]}]}

``diringkas`` marks a criteria text that summarises the regulation rather than quoting it;
``nama_belum_pasti`` an indicator or level name the sources do not confirm. Both are shown.

Validation names every faulty row by its path (``domain[2].aspek[0].indikator[4].bobot``),
so a new regulation is loaded by writing a file, never by changing code.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext as _

BUNDLED = Path(__file__).parent / "data" / "frameworks"
WEIGHT_TOLERANCE = 0.05


def _text(errors: list, path: str, value, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        errors.append({"baris": path, "pesan": _("harus berupa teks yang tidak kosong")})


def _number(errors: list, path: str, value) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        errors.append({"baris": path, "pesan": _("harus berupa angka lebih dari 0")})
        return False
    return True


def _indicator(errors: list, path: str, item, codes: set) -> float:
    if not isinstance(item, dict):
        errors.append({"baris": path, "pesan": _("harus berupa objek")})
        return 0.0
    _text(errors, f"{path}.kode", item.get("kode"))
    if isinstance(item.get("kode"), str):
        if item["kode"] in codes:
            errors.append({"baris": f"{path}.kode", "pesan": _("kode indikator ganda")})
        codes.add(item["kode"])
    _text(errors, f"{path}.nama", item.get("nama"))
    ok = _number(errors, f"{path}.bobot", item.get("bobot"))
    levels = item.get("tingkat")
    if not isinstance(levels, list) or len(levels) != 5:
        errors.append({"baris": f"{path}.tingkat", "pesan": _("harus memuat tepat lima tingkat")})
    else:
        for n, level in enumerate(levels):
            lp = f"{path}.tingkat[{n}]"
            if not isinstance(level, dict) or level.get("tingkat") != n + 1:
                errors.append({"baris": lp, "pesan": _("tingkat harus berurutan 1 sampai 5")})
                continue
            _text(errors, f"{lp}.nama", level.get("nama"))
            _text(errors, f"{lp}.kriteria", level.get("kriteria"))
            for flag in ("diringkas", "nama_belum_pasti"):
                if not isinstance(level.get(flag, False), bool):
                    errors.append({"baris": f"{lp}.{flag}", "pesan": _("harus true atau false")})
    return float(item["bobot"]) if ok else 0.0


def _aspect(errors: list, path: str, item, codes: set) -> None:
    if not isinstance(item, dict):
        errors.append({"baris": path, "pesan": _("harus berupa objek")})
        return
    _text(errors, f"{path}.kode", item.get("kode"))
    _text(errors, f"{path}.nama", item.get("nama"))
    ok = _number(errors, f"{path}.bobot", item.get("bobot"))
    indicators = item.get("indikator")
    if not isinstance(indicators, list) or not indicators:
        errors.append(
            {"baris": f"{path}.indikator", "pesan": _("harus berisi minimal satu indikator")}
        )
        return
    total = sum(
        _indicator(errors, f"{path}.indikator[{n}]", i, codes) for n, i in enumerate(indicators)
    )
    if ok and abs(total - float(item["bobot"])) > WEIGHT_TOLERANCE:
        errors.append(
            {
                "baris": f"{path}.bobot",
                "pesan": _("bobot aspek %(a)s tidak sama dengan jumlah bobot indikatornya %(t)s")
                % {"a": item["bobot"], "t": round(total, 3)},
            }
        )


def validate(data) -> list[dict]:
    """Row-level errors of a framework document; empty when it may be loaded."""
    errors: list[dict] = []
    if not isinstance(data, dict):
        return [{"baris": "(berkas)", "pesan": _("berkas kerangka harus berupa objek JSON")}]
    _text(errors, "kode", data.get("kode"))
    _text(errors, "versi", data.get("versi"))
    _text(errors, "nama", data.get("nama"))
    _text(errors, "dasar_hukum", data.get("dasar_hukum"), required=False)
    if data.get("rumus", "berbobot") != "berbobot":
        errors.append({"baris": "rumus", "pesan": _("rumus yang dikenal hanya 'berbobot'")})
    predicates = data.get("predikat")
    if not isinstance(predicates, list) or not predicates:
        errors.append({"baris": "predikat", "pesan": _("harus berisi daftar predikat")})
    else:
        last = None
        for n, p in enumerate(predicates):
            if not isinstance(p, dict) or not isinstance(p.get("min"), int | float):
                errors.append(
                    {"baris": f"predikat[{n}]", "pesan": _("perlu 'nama' dan 'min' berupa angka")}
                )
                continue
            _text(errors, f"predikat[{n}].nama", p.get("nama"))
            if last is not None and p["min"] >= last:
                errors.append(
                    {"baris": f"predikat[{n}].min", "pesan": _("batas predikat harus menurun")}
                )
            last = p["min"]
    codes: set = set()
    if "domain" in data:
        domains = data["domain"]
        if not isinstance(domains, list) or not domains:
            errors.append({"baris": "domain", "pesan": _("harus berisi minimal satu domain")})
            return errors
        for n, d in enumerate(domains):
            path = f"domain[{n}]"
            if not isinstance(d, dict):
                errors.append({"baris": path, "pesan": _("harus berupa objek")})
                continue
            _text(errors, f"{path}.kode", d.get("kode"))
            _text(errors, f"{path}.nama", d.get("nama"))
            ok = _number(errors, f"{path}.bobot", d.get("bobot"))
            aspects = d.get("aspek")
            if not isinstance(aspects, list) or not aspects:
                errors.append(
                    {"baris": f"{path}.aspek", "pesan": _("harus berisi minimal satu aspek")}
                )
                continue
            for m, a in enumerate(aspects):
                _aspect(errors, f"{path}.aspek[{m}]", a, codes)
            total = sum(
                float(a.get("bobot") or 0)
                for a in aspects
                if isinstance(a, dict) and isinstance(a.get("bobot"), int | float)
            )
            if ok and abs(total - float(d["bobot"])) > WEIGHT_TOLERANCE:
                errors.append(
                    {
                        "baris": f"{path}.bobot",
                        "pesan": _(
                            "bobot domain %(d)s tidak sama dengan jumlah bobot aspeknya %(t)s"
                        )
                        % {"d": d["bobot"], "t": round(total, 3)},
                    }
                )
    elif isinstance(data.get("aspek"), list) and data["aspek"]:
        for m, a in enumerate(data["aspek"]):
            _aspect(errors, f"aspek[{m}]", a, codes)
    else:
        errors.append({"baris": "domain", "pesan": _("perlu 'domain' atau 'aspek'")})
    return errors


def domains_of(data: dict) -> list[dict]:
    """The domains of a valid document; a document without domains gets one implicit domain."""
    if "domain" in data:
        return data["domain"]
    total = sum(float(a["bobot"]) for a in data["aspek"])
    return [{"kode": "-", "nama": data["nama"], "bobot": total, "aspek": data["aspek"]}]


def bundled_files() -> list[Path]:
    return sorted(BUNDLED.glob("*.json"))


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
