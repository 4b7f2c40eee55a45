"""django-allauth hooks: a signed-up user becomes a member in the same transaction."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from loyalty.platform.errors import DomainError
from loyalty.platform.http import client_ip
from loyalty.platform.languages import language_codes
from members.languages import member_language_set
from members.services import member_create
from referrals.invitations import invitation_code
from referrals.services import referral_attach


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.LOYALTY_SIGNUP_OPEN

    def get_login_redirect_url(self, request) -> str:
        """Customers land on their points; staff and managers without a card where they work."""
        user = request.user
        if not hasattr(user, "member"):
            if user.has_perm("members.use_staff_desk"):
                return reverse("staff:desk")
            if user.is_staff:
                return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                member = member_create(user=user)
                # The language they signed up in writes their emails until they choose another.
                if translation.get_language() in language_codes():
                    member_language_set(member=member, language=translation.get_language())
                self._attach_referral(request, member, form)
        return user

    def _attach_referral(self, request, member, form) -> None:
        """The code typed on the form, else the one of the invitation link this browser opened."""
        code = form.cleaned_data.get("referral_code") or invitation_code(request)
        if not code:
            return
        try:
            referral_attach(friend=member, code=code, ip=client_ip(request))
        except DomainError:
            # A stale invitation cookie must never stop anyone from joining.
            return
