"""Handing over files that people uploaded (attachments, evidence, uploaded tables)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404


def uploaded_file_response(field: Any, name: str) -> FileResponse:
    """A stored upload as a download; 404 when the file is gone.

    Always an attachment of an opaque type under a sandboxing policy: an uploaded HTML or
    SVG file must never run in the site's origin. The caller checks who may have it.
    """
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/octet-stream"
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
