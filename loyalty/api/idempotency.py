"""`Idempotency-Key` on every POST: a retried request gets the first answer and changes nothing.

The first request with a key claims it (a committed row, so a concurrent twin waits on the
unique index and then finds it), runs, and stores its response when it succeeded. A retry with
the same key and the same method, path and body gets that response again; with anything else
the key is refused (409 `duplicate_request`); while the first is still running, 409
`request_in_progress`. A request that failed changed nothing, so its key is let go and may be
retried. Keys are per API key.
"""

import datetime
import hashlib
import json
import re
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from loyalty.api.errors import RequestInProgress
from loyalty.exceptions import DuplicateRequest
from loyalty.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 200
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,200}")
# A claim older than this whose request never finished (the process died) is given up.
ABANDONED_AFTER = datetime.timedelta(minutes=5)


def idempotency_key_get(request) -> str | None:
    """The request's key, None without one; a malformed key is a 400."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not _VALID_KEY.fullmatch(key):
        raise serializers.ValidationError(
            {
                HEADER: [
                    _("Send 1 to %(max)d visible ASCII characters, e.g. a UUID.")
                    % {"max": MAX_LENGTH}
                ]
            }
        )
    return key


def _fingerprint(request) -> str:
    payload = json.dumps(
        [request.method, request.path, request.data],
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _claim(*, api_key, key: str, fingerprint: str) -> tuple[IdempotentRequest, bool]:
    """The row for (api_key, key) and whether this request just claimed it."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                claimed = IdempotentRequest.objects.create(
                    api_key=api_key, key=key, fingerprint=fingerprint
                )
            return claimed, True
        except IntegrityError:
            pass
        existing = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
        if existing is None:
            continue  # the first request failed and let go of the key meanwhile
        abandoned = timezone.now() - ABANDONED_AFTER
        if existing.status_code is None and existing.created_at < abandoned:
            IdempotentRequest.objects.filter(pk=existing.pk, status_code__isnull=True).delete()
            continue
        return existing, False
    raise RequestInProgress()


def idempotent(handler):
    """Wrap a POST handler of a view authenticated by API key."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = idempotency_key_get(request)
        if key is None:
            return handler(view, request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        record, claimed = _claim(api_key=request.auth, key=key, fingerprint=fingerprint)
        if not claimed:
            if record.fingerprint != fingerprint:
                raise DuplicateRequest()
            if record.status_code is None:
                raise RequestInProgress()
            return Response(
                record.response_body,
                status=record.status_code,
                headers={REPLAYED_HEADER: "true"},
            )
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            IdempotentRequest.objects.filter(pk=record.pk).delete()
            raise
        if status.is_success(response.status_code):
            body = json.loads(JSONRenderer().render(response.data))
            IdempotentRequest.objects.filter(pk=record.pk).update(
                status_code=response.status_code, response_body=body
            )
        else:
            IdempotentRequest.objects.filter(pk=record.pk).delete()
        return response

    return wrapper


# How long a stored answer is replayed for the same Idempotency-Key; the README tells tills.
KEPT_FOR = datetime.timedelta(days=7)


def idempotent_requests_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget stored answers older than KEPT_FOR (a retry that late is a new request; purchases
    and returns stay idempotent on their receipt ids anyway). Returns how many were removed."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    removed, _by_model = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return removed
