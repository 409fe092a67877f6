"""Errors that services raise; the API turns them into problem+json, pages into messages.

Messages are translatable strings, so the caller reads them in their own language.
"""

from __future__ import annotations


class KendaliError(Exception):
    status = 400
    code = "bad-request"
    title = "Permintaan tidak dapat diproses"

    def __init__(self, detail: str, *, errors: dict | list | None = None, code: str | None = None):
        super().__init__(str(detail))
        self.detail = str(detail)
        self.errors = errors
        if code:
            self.code = code


class NotAllowed(KendaliError):
    status = 403
    code = "forbidden"
    title = "Tidak diizinkan"


class NotFound(KendaliError):
    status = 404
    code = "not-found"
    title = "Tidak ditemukan"


class Invalid(KendaliError):
    status = 422
    code = "invalid"
    title = "Data tidak valid"


class Conflict(KendaliError):
    status = 409
    code = "conflict"
    title = "Konflik"
