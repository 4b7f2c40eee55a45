"""The program settings row is read once per request; two-factor sign-in guards the work pages."""

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from loyalty.selectors.two_factor import TwoFactorDue, two_factor_due
from loyalty.services.program import program_settings_once

# The admin, the staff desk and the back office. Everything under them, the admin's own log-in
# page included: however a user signed in, these pages open only after the second step.
TWO_FACTOR_GUARDED_PATHS = ("/admin/", "/staff/", "/manage/")


class ProgramSettingsOncePerRequestMiddleware:
    """The view, its helpers and the template context share one read of the settings row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with program_settings_once():
            return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A user who must sign in with two factors (`loyalty/selectors/two_factor.py`) and has not
    in this session is sent, before any guarded page opens, to turn on an authenticator app or
    to enter a code from it, and comes back to the page after entering the code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(TWO_FACTOR_GUARDED_PATHS) and request.user.is_authenticated:
            due = two_factor_due(request)
            if due is TwoFactorDue.SET_UP:
                messages.warning(
                    request,
                    _(
                        "Your role needs two-factor sign-in before this page opens: turn on "
                        "an authenticator app, then keep its recovery codes somewhere safe."
                    ),
                )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            if due is TwoFactorDue.CODE:
                messages.info(
                    request,
                    _("Your role needs two-factor sign-in: enter a code from your app to go on."),
                )
                next_url = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_url}")
        return self.get_response(request)
