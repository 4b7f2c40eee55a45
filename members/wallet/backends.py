"""Where the wallet's changes go, each through a backend named in settings (as texts go through
`LOYALTY_SMS_BACKEND`):

- `LOYALTY_WALLET_PUSH_BACKEND`: "this pass changed" to each registered Apple device. The
  embedded default `FilePushBackend` writes one JSON line per push to
  `LOYALTY_WALLET_FILE_PATH/apple-pushes.jsonl`. (APNs itself needs an HTTP/2 client, which the
  project does not have; an APNs backend is one more class with `send`.)
- `LOYALTY_WALLET_GOOGLE_BACKEND`: a loyalty object's new figures. `FileGoogleBackend` writes
  one JSON line per object to `google-objects.jsonl` there.

The `Locmem` backends keep what they were given in lists, for the tests.
"""

import datetime
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Push:
    """An empty APNs notification to `push_token`, on the topic of the pass type."""

    push_token: str
    pass_type_identifier: str
    serial_number: str


class _JsonLines:
    file_name = ""

    def __init__(self, path: str | None = None):
        self.path = Path(path or settings.LOYALTY_WALLET_FILE_PATH)

    def _write(self, records: list[dict]) -> int:
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(tz=datetime.UTC).isoformat()
        with (self.path / self.file_name).open("a", encoding="utf-8") as lines:
            for record in records:
                lines.write(json.dumps({"at": stamp, **record}, ensure_ascii=False) + "\n")
        return len(records)


class FilePushBackend(_JsonLines):
    file_name = "apple-pushes.jsonl"

    def send(self, pushes: list[Push]) -> int:
        return self._write([asdict(push) for push in pushes])


class FileGoogleBackend(_JsonLines):
    file_name = "google-objects.jsonl"

    def update(self, objects: list[dict]) -> int:
        return self._write([{"object": loyalty_object} for loyalty_object in objects])


# What the locmem backends were given, oldest first; tests empty them between tests.
pushes_sent: list[Push] = []
google_objects_sent: list[dict] = []


class LocmemPushBackend:
    def send(self, pushes: list[Push]) -> int:
        pushes_sent.extend(pushes)
        return len(pushes)


class LocmemGoogleBackend:
    def update(self, objects: list[dict]) -> int:
        google_objects_sent.extend(objects)
        return len(objects)


def push_backend():
    return import_string(settings.LOYALTY_WALLET_PUSH_BACKEND)()


def google_backend():
    return import_string(settings.LOYALTY_WALLET_GOOGLE_BACKEND)()
