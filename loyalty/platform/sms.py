"""Text messages (SMS), sent through a pluggable backend as Django sends email.

The setting `LOYALTY_SMS_BACKEND` names a class (a dotted path) that takes a list of
`TextMessage` in `send_messages` and returns how many it sent. Two ship with the portal:

- `FileBackend`, the embedded default of one machine: each message is a file under
  `LOYALTY_SMS_FILE_PATH` (var/sms/), as emails go to var/mail/;
- `LocmemBackend`, for the tests: messages are kept in `outbox`, like `django.core.mail.outbox`.

A provider (Twilio, MessageBird, an operator's gateway) is one more class with the same method;
production settings refuse to start until `LOYALTY_SMS_BACKEND` is set, so that nobody's codes
end up in files on a server by accident.
"""

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str  # E.164
    body: str


class BaseBackend:
    def send_messages(self, messages: list[TextMessage]) -> int:
        raise NotImplementedError


class FileBackend(BaseBackend):
    """Each message a file of its own, named by time, so a developer reads the newest code."""

    def __init__(self, path: str | None = None):
        self.path = Path(path or settings.LOYALTY_SMS_FILE_PATH)

    def send_messages(self, messages: list[TextMessage]) -> int:
        self.path.mkdir(parents=True, exist_ok=True)
        for message in messages:
            stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
            name = f"{stamp}-{secrets.token_hex(4)}.txt"
            (self.path / name).write_text(f"To: {message.to}\n\n{message.body}\n", encoding="utf-8")
        return len(messages)


# What the locmem backend sent, oldest first; tests empty it between tests.
outbox: list[TextMessage] = []


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[TextMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def sms_backend() -> BaseBackend:
    return import_string(settings.LOYALTY_SMS_BACKEND)()


def sms_send(*, to: str, body: str) -> int:
    """Send one message through the configured backend."""
    return sms_backend().send_messages([TextMessage(to=to, body=body)])
