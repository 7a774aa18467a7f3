"""Syllabus files: which uploads are accepted, how they are named and served.

The file's first bytes must match its extension, so a renamed executable or
HTML page is refused; downloads always go out as attachments through an
access-checked view, never from a public media URL.
"""

from __future__ import annotations

import os
import secrets

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from readings.core.exceptions import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
_ZIP = b"PK\x03\x04"
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain; charset=utf-8",
}
ACCEPT = ",".join([*CONTENT_TYPES, "application/pdf"])


def check_upload(upload: UploadedFile) -> None:
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in CONTENT_TYPES:
        raise InvalidInput(
            {"syllabus": [_("Upload a PDF, Word (.docx), OpenDocument (.odt) or text file.")]}
        )
    if upload.size is not None and upload.size > MAX_BYTES:
        raise InvalidInput({"syllabus": [_("The file is larger than 10 MB.")]})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _looks_like(extension, head):
        raise InvalidInput({"syllabus": [_("The file's content does not match its type.")]})


def _looks_like(extension: str, head: bytes) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in (".docx", ".odt"):
        return head.startswith(_ZIP)
    # Text: no NUL bytes and valid UTF-8 (a cut multi-byte character at the end is fine).
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def stored_name(original: str) -> str:
    """A safe, unguessable file name that keeps the person's own name readable."""
    base, extension = os.path.splitext(os.path.basename(original or "syllabus"))
    base = get_valid_filename(base)[:60] or "syllabus"
    return f"{base}-{secrets.token_hex(4)}{extension.lower()}"


def download_name(name: str) -> str:
    """The file name offered on download: the stored one without its random suffix."""
    base, extension = os.path.splitext(os.path.basename(name))
    head, _sep, tail = base.rpartition("-")
    if head and len(tail) == 8:
        base = head
    return f"{base}{extension}"


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


def delete_if_unused(name: str) -> None:
    from readings.lists.models import ReadingList

    if name and not ReadingList.objects.filter(syllabus=name).exists():
        default_storage.delete(name)
