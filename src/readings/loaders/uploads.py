"""Files uploaded for loading: the size limit, and where they wait for their task.

Uploads are kept under ``MEDIA_ROOT/loads/`` (owner-only permissions, random
names) only until their load has run: the web server writes them, the task
worker reads them, so both must see the same MEDIA_ROOT. They are never served.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
_FOLDER = "loads"


def max_upload_bytes() -> int:
    """The largest file the web page takes (setting READINGS_LOAD_UPLOAD_MAX_BYTES)."""
    return int(getattr(settings, "READINGS_LOAD_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_message(size: int | None, limit: int) -> str:
    what = f"The file is {filesizeformat(size)}" if size else "The file is too large"
    return (
        f"{what}; files of up to {filesizeformat(limit)} can be loaded here. Split it, or "
        "ask an administrator to load it on the server with 'readings load'."
    )


def _storage() -> FileSystemStorage:
    return FileSystemStorage(
        location=Path(settings.MEDIA_ROOT) / _FOLDER,
        base_url=None,
        # Registrar files name people: readable by the service account only.
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def store(upload: UploadedFile, *, institution_id: int) -> str:
    """Save the upload under a random name; return its storage name."""
    return _storage().save(f"{institution_id}/{uuid.uuid4().hex}.upload", upload)


def path_of(name: str) -> Path:
    return Path(_storage().path(name))


def discard(name: str) -> None:
    if name:
        _storage().delete(name)


class SizeLimitedUpload(FileUploadHandler):
    """Stop receiving a file once it passes the limit, so no huge file reaches the disk.

    The rest of the request is read and dropped (not reset), so the browser
    gets the page that explains the limit rather than a broken connection.
    """

    def __init__(self, request=None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False
        self.declared_size: int | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        self.declared_size = content_length

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
