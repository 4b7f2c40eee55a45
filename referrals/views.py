"""The share link's landing page, the member's referrals page, and sign-up with a code."""

from allauth.account.views import SignupView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loyalty.platform.ratelimit import (
    REFERRAL_LANDINGS,
    referral_landing_allowed,
    too_many_requests,
)
from members.decorators import member_required
from members.models import Member
from members.qr import qr_svg
from referrals.invitations import invitation_code, invitation_remember
from referrals.models import ReferralCode
from referrals.selectors import referral_list_for_referrer, referral_points_earned
from referrals.services import (
    referral_code_find,
    referral_code_for,
    referral_link_opened,
    referral_settings_get,
)


@require_GET
def landing(request: HttpRequest, code: str) -> HttpResponse:
    if not referral_landing_allowed(request):
        return too_many_requests(
            request,
            message=_("Too many invitation links opened. Wait a minute, then try again."),
            limit=REFERRAL_LANDINGS,
        )
    settings = referral_settings_get()
    referral_code = referral_code_find(code=code) if settings.is_enabled else None
    if referral_code is None:
        return render(request, "referrals/unknown.html", status=404)
    referral_link_opened(referral_code=referral_code)
    response = render(
        request,
        "referrals/landing.html",
        {
            "code": referral_code.code,
            "settings": settings,
            "is_member": request.user.is_authenticated,
        },
    )
    if not request.user.is_authenticated:
        invitation_remember(request, response, code=referral_code.code)
    return response


class SignupWithInvitationView(SignupView):
    """allauth's sign-up, with the code of an invitation link this browser opened filled in."""

    def get_initial(self):
        initial = super().get_initial()
        code = invitation_code(self.request)
        if code:
            initial["referral_code"] = code
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        referral_code = referral_code_find(code=invitation_code(self.request))
        if referral_code is not None and referral_settings_get().is_enabled:
            context["invited"] = True
        return context


@member_required
@require_GET
def my_referrals(request: HttpRequest, member: Member) -> HttpResponse:
    referral_code: ReferralCode = referral_code_for(member=member)
    link = request.build_absolute_uri(reverse("referrals:landing", args=[referral_code.code]))
    referrals = referral_list_for_referrer(member=member)
    return render(
        request,
        "referrals/mine.html",
        {
            "code": referral_code.code,
            "link": link,
            "qr_svg": qr_svg(link, title=_("QR code of your invitation link")),
            "settings": referral_settings_get(),
            "referrals": referrals,
            "points_earned": referral_points_earned(referrals),
        },
    )
