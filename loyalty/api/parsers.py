"""The API's one parser: JSON, bounded in size and depth.

DRF's own `JSONParser` reads the whole body whatever its size (Django's upload limit guards
`request.body`, which DRF does not use) and lets `RecursionError` from a deeply nested body
escape as a 500. Every body the API takes is a flat object with one list of flat lines, so a
body larger than `LOYALTY_API_MAX_BODY_BYTES` or nested deeper than `MAX_DEPTH` is refused as a
parse error (400, `parse_error`) before anything reads it.
"""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Objects and lists inside one another; a purchase needs 3 (body, lines, a line).
MAX_DEPTH = 8


def _too_deep(data, limit: int) -> bool:
    """Whether `data` nests objects or lists deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.LOYALTY_API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(
                _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_no_constant)
        except RecursionError:
            data = None
            too_deep = True
        except ValueError as error:  # also UnicodeDecodeError
            raise ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from None
        else:
            too_deep = _too_deep(data, MAX_DEPTH)
        if too_deep:
            raise ParseError(
                _("The body nests objects or lists deeper than %(depth)d levels.")
                % {"depth": MAX_DEPTH}
            )
        return data


def _no_constant(name: str):
    """JSON has no NaN nor Infinity (DRF's strict mode refuses them the same way)."""
    raise ValueError(_("%(name)s is not a JSON value") % {"name": name})
