"""The export of every published project, saved on disk as it first streams after a change and
read from there (by sendfile) until the data changes: it is downloaded most, changed seldom and
takes seconds to write. Off when CACHE_UNTIL_DATA_CHANGES is.

A file's name holds its data version and the address asked at (its URLs are absolute).
"""

import hashlib
import logging
import os
import tempfile
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.http import FileResponse

from asf_portal.caching import data_changed_at
from projects import exports
from regions.models import DataVersion

logger = logging.getLogger(__name__)


def everything_download(file_format, queryset, request):
    if not settings.CACHE_UNTIL_DATA_CHANGES or not settings.EXPORT_FILES_DIR:
        return exports.download(file_format, queryset, request)
    changed_at = data_changed_at()
    path = Path(settings.EXPORT_FILES_DIR) / saved_name(changed_at, request, file_format)
    try:
        saved = path.open("rb")
    except OSError:
        pieces = exports.pieces(file_format, queryset, request)
        return exports.streaming_download(saved_on_the_way(pieces, path, changed_at), file_format)
    return FileResponse(
        saved,
        as_attachment=True,
        filename=exports.filename(file_format),
        content_type=file_format.content_type,
        headers={"Link": exports.licence_link()},
    )


def version_prefix(changed_at):
    return changed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ-")


def saved_name(changed_at, request, file_format):
    origin = hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:16]
    return f"{version_prefix(changed_at)}{origin}.{file_format.extension}"


def saved_on_the_way(pieces, path, changed_at):
    """The pieces as UTF-8, written to `path` as they stream, if the whole was sent and the data
    is unchanged. A failing disk costs the saving, never the download."""
    part = new_part(path)
    try:
        for piece in pieces:
            data = piece.encode()
            if part is not None:
                part = written(part, data)
            yield data
        if part is not None:
            keep(part, path, changed_at)
    finally:
        if part is not None:
            discard(part)  # nothing left once it took its name


def new_part(path):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not a with block: saved_on_the_way closes it as the pieces end.
        return tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f"{path.name}.", suffix=".part", delete=False
        )
    except OSError:
        logger.warning("The export could not be saved in %s.", path.parent, exc_info=True)
        return None


def written(part, data):
    try:
        part.write(data)
        return part
    except OSError:
        logger.warning("The export could not be saved in %s.", part.name, exc_info=True)
        discard(part)
        return None


def keep(part, path, changed_at):
    try:
        part.close()  # the buffer is written now: the disk may fail here too
        if DataVersion.current() == changed_at:
            os.replace(part.name, path)
            remove_other_versions(path.parent, changed_at)
    except OSError:
        logger.warning("The export could not be saved as %s.", path, exc_info=True)


def discard(part):
    part.close()
    Path(part.name).unlink(missing_ok=True)


def remove_other_versions(directory, changed_at):
    # Parts still being written too: their data has changed, so their writer would not keep them.
    current = version_prefix(changed_at)
    for path in directory.iterdir():
        if not path.name.startswith(current):
            path.unlink(missing_ok=True)
