"""OpenAPI helpers: the error responses, codes and examples every operation documents."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from loyalty.api.errors import error_body
from loyalty.api.serializers import ErrorSerializer
from loyalty.services.earning import MAX_LINES

MESSAGES = {
    "invalid": "lines[0].amount: Ensure this value is greater than or equal to 0.01.",
    "parse_error": "The body is not valid JSON: Expecting value: line 1 column 1 (char 0)",
    "not_authenticated": "Authentication credentials were not provided.",
    "invalid_api_key": "This API key is not valid.",
    "api_key_revoked": "This API key was revoked.",
    "api_key_required": "This endpoint is for tills and web shops: send a store's API key.",
    "member_required": "Sign in to the portal as a member to use this endpoint.",
    "store_closed": "The store downtown is closed in the program.",
    "csrf_failed": "CSRF Failed: CSRF token missing.",
    "throttled": "Request was throttled. Expected available in 12 seconds.",
    "member_not_found": "No member has this card number.",
    "member_closed": "This member's account is closed: it neither earns nor spends points.",
    "purchase_not_found": "This store recorded no purchase with this receipt id.",
    "redemption_not_found": "This store made no redemption with this id.",
    "reward_not_found": "There is no reward with this id.",
    "not_found": "Not found.",
    "invalid_purchase": "The purchase time is in the future.",
    "limit_exceeded": "The total 9,000.00 is above the limit of 5,000.00 per purchase.",
    "invalid_return": "Line 2: 3 returned but only 1 left to return.",
    "purchase_conflict": "This receipt id was already recorded for a different purchase.",
    "return_conflict": "This return id was already recorded for other lines of the purchase.",
    "duplicate_request": "This request key was already used for a different request.",
    "request_in_progress": "A request with this Idempotency-Key is still being processed.",
    "insufficient_points": "This reward needs 500 points; 120 are available.",
    "reward_unavailable": "This reward is not available now.",
    "limit_reached": "This reward was already redeemed as often as one member may.",
    "out_of_stock": "This reward is out of stock.",
    "invalid_voucher": "That is not a valid voucher code. Check it and try again.",
    "voucher_used": "This voucher was already used on 2026-03-01 14:05.",
    "voucher_void": "This voucher was cancelled.",
    "voucher_expired": "This voucher has expired.",
    "void_not_allowed": "Used or expired vouchers cannot be voided.",
    "try_again": "The system is busy. Please try again.",
}

STORE_AUTH = {
    401: ["not_authenticated", "invalid_api_key", "api_key_revoked"],
    403: ["api_key_required", "store_closed", "csrf_failed"],
    429: ["throttled"],
}
MEMBER_AUTH = {
    401: ["not_authenticated", "invalid_api_key", "api_key_revoked"],
    403: ["member_required", "csrf_failed"],
    429: ["throttled"],
}
# Every POST: bad JSON, an Idempotency-Key reused for another request or still running, and a
# database too busy to finish (retry after `Retry-After` seconds).
POST_ERRORS = {
    400: ["invalid", "parse_error"],
    409: ["duplicate_request", "request_in_progress"],
    503: ["try_again"],
}


FIELDS_EXAMPLE = {"invalid": {"lines": [{"amount": [MESSAGES["invalid"].split(": ", 1)[1]]}]}}


def _response(status: int, codes: list[str]) -> OpenApiResponse:
    listed = ", ".join(f"`{code}`" for code in codes)
    return OpenApiResponse(
        ErrorSerializer,
        description=f"Error; `code` is one of {listed}.",
        examples=[
            OpenApiExample(
                code,
                value=error_body(code, MESSAGES[code], FIELDS_EXAMPLE.get(code)),
                status_codes=[str(status)],
                response_only=True,
            )
            for code in codes
        ],
    )


def errors(*groups: dict[int, list[str]]) -> dict[int, OpenApiResponse]:
    """Error responses for the status codes and error codes of `groups`, merged."""
    merged: dict[int, list[str]] = {}
    for group in groups:
        for status, codes in group.items():
            merged.setdefault(status, [])
            merged[status].extend(code for code in codes if code not in merged[status])
    return {status: _response(status, codes) for status, codes in sorted(merged.items())}


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Up to 200 visible ASCII characters (a UUID is best), new for each operation. A retry "
        "with the same key and body gets the first successful answer again (with the header "
        "`Idempotent-Replayed: true`) and changes nothing; the same key with another body is "
        "refused with 409 `duplicate_request`. Failed requests change nothing and may be retried "
        "with their key."
    ),
)


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "schema": {"type": "integer"},
    }
}


def postprocess_schema(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: every 429 and 503 answer says when to try again, and request
    `lines` say how many they may hold (drf-spectacular leaves list lengths out)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status in {"429", "503"}:
                    response["headers"] = RETRY_AFTER
    for name, component in result.get("components", {}).get("schemas", {}).items():
        lines = component.get("properties", {}).get("lines")
        if name.endswith("Request") and lines and lines.get("type") == "array":
            lines.update({"minItems": 1, "maxItems": MAX_LINES})
    return result
