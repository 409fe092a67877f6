"""One input layer at the edge of /api/v1, the same on SQLite and PostgreSQL.

Every JSON body and every query string passes :class:`EdgeParser` before any schema sees it:

- text: NUL, other control characters (tab, newline and carriage return excepted) and lone
  surrogates are refused — PostgreSQL cannot store them and no person types them. Fields a
  machine delivers raw (a telephony number) are registered with :func:`allow_raw_text`; their
  service stores them escaped (:func:`escape_controls`) and flags them, never loses them;
- integers: within the signed 64-bit range both databases hold;
- numbers: no ``NaN``/``Infinity`` literals;
- a body must be a JSON object or array (``null`` is refused);
- and text must be UTF-8.

The types below (:data:`Timestamp`, :data:`Latitude`, …) bound what each field means; the
schemas of every app use them. A refusal is a 422 problem+json whose ``errors`` member has
the one shape used everywhere: ``[{"field": "events.1.number", "message": "…", "type": "…"}]``.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja.parser import Parser
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

MAX_INT = 2**63 - 1
MIN_INT = -(2**63)
# Years a timestamp sent to Kendali may carry (an event, an expiry, a filter bound).
MIN_YEAR = 2000
MAX_YEAR = 2100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_INT_LITERAL = re.compile(r"^[+-]?\d+$")

_raw_fields: dict[str, frozenset[str]] = {}


class EdgeInvalid(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"] if errors else "invalid")
        self.errors = errors


def allow_raw_text(path: str, *fields: str) -> None:
    """Fields of one route (full path, e.g. ``/api/v1/telephony/events``) that may carry
    control characters; their service must store them through :func:`escape_controls`."""
    _raw_fields[path] = _raw_fields.get(path, frozenset()) | frozenset(fields)


def escape_controls(text: str) -> str:
    r"""Control characters and lone surrogates as visible escapes (``\x00``), so raw bytes
    are stored safely (PostgreSQL refuses NUL) and nothing is lost."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def has_controls(text: str) -> bool:
    return bool(_CONTROL.search(text))


def _error(loc: list, message: str, kind: str) -> dict:
    return {"field": ".".join(str(p) for p in loc), "message": message, "type": kind}


def check_value(
    value: Any, loc: list, raw: frozenset[str] = frozenset(), *, finite: bool = True
) -> list[dict]:
    """Every problem in a decoded JSON value (depth first, with its location)."""
    errors: list[dict] = []
    if isinstance(value, str):
        if has_controls(value) and not (loc and str(loc[-1]) in raw):
            errors.append(
                _error(
                    loc,
                    _("Teks berisi karakter kendali (mis. NUL) yang tidak diizinkan."),
                    "control_character",
                )
            )
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        if finite and not MIN_INT <= value <= MAX_INT:
            errors.append(_error(loc, _("Bilangan di luar batas (64 bit)."), "int_out_of_range"))
    elif isinstance(value, float):
        if finite and not math.isfinite(value):
            errors.append(_error(loc, _("Bilangan harus terhingga."), "finite_number"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if has_controls(str(key)):
                errors.append(
                    _error(
                        [*loc, "<kunci>"],
                        _("Nama kunci berisi karakter kendali."),
                        "control_character",
                    )
                )
            errors.extend(check_value(item, [*loc, key], raw, finite=finite))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors.extend(check_value(item, [*loc, index], raw, finite=finite))
    return errors


def _refuse_constant(name: str) -> float:
    raise EdgeInvalid(
        [_error([], _("Bilangan harus terhingga (%s tidak diizinkan).") % name, "finite_number")]
    )


class EdgeParser(Parser):
    """The API's parser: JSON bodies and query strings checked as described above."""

    def __init__(self, *, finite: bool = True) -> None:
        self.finite = finite

    def parse_body(self, request):
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise EdgeInvalid([_error([], _("Isi permintaan harus UTF-8."), "utf8")])
        try:
            data = json.loads(text, parse_constant=_refuse_constant if self.finite else float)
        except json.JSONDecodeError as exc:
            raise EdgeInvalid(
                [_error([], _("Isi permintaan bukan JSON yang sah: %s") % exc.msg, "json")]
            )
        if not isinstance(data, dict | list):
            raise EdgeInvalid(
                [_error([], _("Isi permintaan harus berupa objek JSON."), "json_object")]
            )
        errors = check_value(
            data, [], _raw_fields.get(request.path, frozenset()), finite=self.finite
        )
        if errors:
            raise EdgeInvalid(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        errors: list[dict] = []
        for key, value in result.items():
            for item in value if isinstance(value, list) else [value]:
                errors.extend(check_value(item, [key]))
                if isinstance(item, str) and _INT_LITERAL.match(item.strip()):
                    if not MIN_INT <= int(item) <= MAX_INT:
                        errors.append(
                            _error([key], _("Bilangan di luar batas (64 bit)."), "int_out_of_range")
                        )
        if errors:
            raise EdgeInvalid(errors)
        return result


def read_json(request, *, finite: bool = True) -> dict | list:
    """The checked JSON body of a view that reads ``request.body`` itself (a list of
    readings, an imported document): the same edge as every schema body. ``finite=False``:
    numbers are not checked here (NaN, Infinity, beyond 64 bits): the batch's service rejects
    them item by item. Text is checked either way."""
    return EdgeParser(finite=finite).parse_body(request)


def path_problem(kwargs: dict) -> str | None:
    """Why URL path values cannot name anything (a control character, an id beyond 64 bits);
    such a path is a 404."""
    for value in kwargs.values():
        if isinstance(value, str):
            if has_controls(value):
                return "control"
            if _INT_LITERAL.match(value) and not MIN_INT <= int(value) <= MAX_INT:
                return "int"
    return None


# ------------------------------------------------------------------ field types for schemas


def _no_numbers(value: Any) -> Any:
    """A date-time is written as ISO 8601 text; a bare number (``until=0``) is refused."""
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+(\.\d+)?\s*", value)
    ):
        raise ValueError(_("Tanggal-waktu harus ISO 8601, mis. 2026-12-01T08:00:00+07:00."))
    return value


def _sensible_year(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            _("Tahun harus antara %(min)d dan %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return value


Timestamp = Annotated[
    datetime,
    BeforeValidator(_no_numbers),
    AfterValidator(_sensible_year),
]


def _bounded(low: float, high: float, message: str):
    def check(value: float) -> float:
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(_(message))
        return value

    return check


def _number(low: float, high: float, message: str, description: str) -> Any:
    return Annotated[
        float,
        AfterValidator(_bounded(low, high, message)),
        WithJsonSchema(
            {"type": "number", "minimum": low, "maximum": high, "description": description}
        ),
    ]


Latitude = _number(-90, 90, gettext_noop("Lintang harus di antara -90 dan 90."), "WGS84")
Longitude = _number(-180, 180, gettext_noop("Bujur harus di antara -180 dan 180."), "WGS84")
# Position accuracy in metres (GPS reports metres; 100 km is a coarse cell fix).
Accuracy = _number(0, 100_000, gettext_noop("Akurasi posisi harus 0–100.000 meter."), "meter")
# Rows to skip in a listing: a billion is far beyond any table here.
Offset = Annotated[int, Field(ge=0, le=1_000_000_000)]
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
