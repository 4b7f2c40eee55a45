"""The member's wallet links (`/me/card/…`) and Apple's PassKit web service (`/wallet/v1/…`).

The web service is called by devices, not browsers: it is exempt from CSRF (no cookie
authenticates it; each pass has its own token, sent as `Authorization: ApplePass <token>`),
and rate-limited per client IP like the site's other public addresses.
"""

import json
import logging
import secrets
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loyalty.platform.ratelimit import WALLET_SERVICE, retry_after, wallet_service_allowed
from members.decorators import member_required
from members.models import Member, WalletKind, WalletPass, WalletRegistration
from members.wallet import apple, google
from members.wallet.config import AppleConfig, apple_config, google_config
from members.wallet.services import (
    card_figures,
    wallet_device_register,
    wallet_device_unregister,
    wallet_pass_for_member,
)

logger = logging.getLogger(__name__)

LOG_LINES_KEPT = 20
LOG_LINE_LENGTH = 500


def _unavailable(request: HttpRequest, heading: str) -> HttpResponse:
    return render(request, "members/wallet_unavailable.html", {"heading": heading}, status=404)


def _pkpass_response(*, config: AppleConfig, wallet_pass: WalletPass) -> HttpResponse:
    content = apple.pkpass(
        config=config,
        serial_number=wallet_pass.serial_number,
        authentication_token=wallet_pass.authentication_token,
        figures=card_figures(member=wallet_pass.member, wallet_pass=wallet_pass),
    )
    response = HttpResponse(content, content_type=apple.CONTENT_TYPE)
    response["Last-Modified"] = http_date(wallet_pass.updated_at.timestamp())
    return response


@member_required
@require_GET
def apple_pass(request: HttpRequest, member: Member) -> HttpResponse:
    """The member's own card as a signed `.pkpass`."""
    config = apple_config()
    if config is None:
        return _unavailable(request, _("Apple Wallet is not available"))
    wallet_pass = wallet_pass_for_member(member=member, kind=WalletKind.APPLE)
    response = _pkpass_response(config=config, wallet_pass=wallet_pass)
    response["Content-Disposition"] = 'attachment; filename="member-card.pkpass"'
    return response


@member_required
@require_GET
def google_save(request: HttpRequest, member: Member) -> HttpResponse:
    """Off to Google with the member's card in a signed link."""
    config = google_config()
    if config is None:
        return _unavailable(request, _("Google Wallet is not available"))
    wallet_pass = wallet_pass_for_member(member=member, kind=WalletKind.GOOGLE)
    url = google.save_url(
        config=config,
        serial_number=wallet_pass.serial_number,
        figures=card_figures(member=member, wallet_pass=wallet_pass),
        logo_url=request.build_absolute_uri(static(apple.SOURCE_ICON)),
        origin=f"{request.scheme}://{request.get_host()}",
    )
    return redirect(url)


# --- The PassKit web service --------------------------------------------------------------


def _message(status: int, message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def web_service(view):
    """CSRF-exempt, rate-limited, and 404 while Apple Wallet is not configured."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not wallet_service_allowed(request):
            response = _message(429, _("Too many requests. Try again in a minute."))
            response["Retry-After"] = str(retry_after(WALLET_SERVICE))
            return response
        config = apple_config()
        if config is None:
            return _message(404, _("Apple Wallet is not available here."))
        return view(request, *args, config=config, **kwargs)

    return wrapped


def _authorised_pass(
    request: HttpRequest, *, config: AppleConfig, pass_type: str, serial_number: str
) -> WalletPass | HttpResponse:
    """The pass the request names and authenticates, or the 404 / 401 answer."""
    wallet_pass = None
    if pass_type == config.pass_type_identifier:
        wallet_pass = (
            WalletPass.objects.select_related("member__user", "shown_tier")
            .filter(serial_number=serial_number, kind=WalletKind.APPLE)
            .first()
        )
    if wallet_pass is None:
        return _message(404, _("No such pass."))
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "ApplePass" or not secrets.compare_digest(
        token.strip().encode(), wallet_pass.authentication_token.encode()
    ):
        return _message(401, _("This pass's token is missing or wrong."))
    return wallet_pass


@web_service
@require_http_methods(["POST", "DELETE"])
def registration(
    request: HttpRequest,
    *,
    config: AppleConfig,
    device: str,
    pass_type: str,
    serial_number: str,
) -> HttpResponse:
    found = _authorised_pass(
        request, config=config, pass_type=pass_type, serial_number=serial_number
    )
    if isinstance(found, HttpResponse):
        return found
    if request.method == "DELETE":
        wallet_device_unregister(wallet_pass=found, device_library_identifier=device)
        return HttpResponse(status=200)
    try:
        push_token = json.loads(request.body)["pushToken"]
    except (ValueError, TypeError, KeyError):
        return _message(400, _("The body must be JSON with a pushToken."))
    if not isinstance(push_token, str) or not 0 < len(push_token) <= 255:
        return _message(400, _("The push token must be text of at most 255 characters."))
    created = wallet_device_register(
        wallet_pass=found, device_library_identifier=device, push_token=push_token
    )
    return HttpResponse(status=201 if created else 200)


@web_service
@require_GET
def serials_updated(
    request: HttpRequest, *, config: AppleConfig, device: str, pass_type: str
) -> HttpResponse:
    """The serial numbers of the device's passes changed since `passesUpdatedSince`."""
    since_text = request.GET.get("passesUpdatedSince", "")
    if since_text and not since_text.isdigit():
        return _message(400, _("passesUpdatedSince must be a tag this service gave."))
    registrations = WalletRegistration.objects.filter(
        device_library_identifier=device, wallet_pass__kind=WalletKind.APPLE
    )
    if pass_type != config.pass_type_identifier or not registrations.exists():
        return _message(404, _("This device has no passes here."))
    passes = WalletPass.objects.filter(registrations__in=registrations)
    if since_text:
        passes = passes.filter(update_tag__gt=int(since_text))
    updated = list(passes.order_by("update_tag").values_list("serial_number", "update_tag"))
    if not updated:
        return HttpResponse(status=204)
    return JsonResponse(
        {
            "serialNumbers": [serial for serial, _tag in updated],
            "lastUpdated": str(updated[-1][1]),
        }
    )


@web_service
@require_GET
def latest_pass(
    request: HttpRequest, *, config: AppleConfig, pass_type: str, serial_number: str
) -> HttpResponse:
    found = _authorised_pass(
        request, config=config, pass_type=pass_type, serial_number=serial_number
    )
    if isinstance(found, HttpResponse):
        return found
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and int(found.updated_at.timestamp()) <= since:
        return HttpResponse(status=304)
    return _pkpass_response(config=config, wallet_pass=found)


@web_service
@require_POST
def device_log(request: HttpRequest, *, config: AppleConfig) -> HttpResponse:
    """What devices report going wrong with the service, into the server's log."""
    try:
        logs = json.loads(request.body)["logs"]
    except (ValueError, TypeError, KeyError):
        return _message(400, _("The body must be JSON with a list of logs."))
    if not isinstance(logs, list):
        return _message(400, _("The body must be JSON with a list of logs."))
    for line in logs[:LOG_LINES_KEPT]:
        logger.warning("Wallet device log: %s", str(line)[:LOG_LINE_LENGTH])
    return HttpResponse(status=200)
