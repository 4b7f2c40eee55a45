"""allauth's page that turns on an authenticator app, which also counts as this session's
second sign-in step: the code typed to turn the app on proves it as much as a code at sign-in.

Without it, someone sent to turn the app on before the admin, the desk or the back office
(`loyalty/middleware.py`) would be asked for a second code at once, and a code cannot be used
twice, so they would wait for the app's next one.
"""

from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import ActivateTOTPView


class TwoFactorActivateView(ActivateTOTPView):
    def form_valid(self, form):
        response = super().form_valid(form)
        authenticator = Authenticator.objects.get(
            user=self.request.user, type=Authenticator.Type.TOTP
        )
        post_authentication(self.request, authenticator)
        return response


two_factor_activate = TwoFactorActivateView.as_view()
