"""Uploaded files handed back through an authorized view (MEDIA_ROOT is never served as is)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def private_file_response(
    stored: FieldFile, *, content_type: str, filename: str, inline: bool
) -> FileResponse:
    """The file, for a caller who was already authorized. ``inline`` only for the types an
    upload check let in as such; everything else downloads. The file can neither be sniffed
    into another type nor run anything (sandboxed), and stays out of shared caches."""
    try:
        handle = stored.open("rb")
    except OSError:
        raise Http404(_("Berkas tidak ditemukan.")) from None
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
