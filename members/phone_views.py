"""Confirm my phone number: type the code of the text message, or ask for a new one.

What the page says never depends on whether a message really went out: when another member
has verified the number, no message is sent and no code is right (members/phones.py).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.decorators import member_required
from members.forms import PhoneCodeForm
from members.identifiers import phone_format
from members.models import Member
from members.phones import (
    PHONE_CODE_ATTEMPTS,
    PhoneCodeError,
    PhoneCodesTooMany,
    PhoneNothingToVerify,
    phone_code_send,
    phone_code_verify,
)


@member_required
@require_http_methods(["GET", "POST"])
def phone_verify(request: HttpRequest, member: Member) -> HttpResponse:
    pending = bool(member.phone) and member.phone_verified_at is None
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and pending and form.is_valid():
        try:
            phone_code_verify(member=member, code=form.cleaned_data["code"])
        except PhoneCodeError as error:
            form.add_error("code", str(error.message))
        else:
            messages.success(
                request, _("Your phone number is confirmed. Staff can now find you by it.")
            )
            return redirect("members:profile")
    return render(
        request,
        "members/phone_verify.html",
        {
            "member": member,
            "form": form,
            "pending": pending,
            "phone_display": phone_format(member.phone),
            "attempts": PHONE_CODE_ATTEMPTS,
        },
    )


@member_required
@require_POST
def phone_code_resend(request: HttpRequest, member: Member) -> HttpResponse:
    try:
        phone_code_send(member=member)
    except PhoneNothingToVerify as error:
        messages.info(request, str(error.message))
        return redirect("members:profile")
    except PhoneCodesTooMany as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("We sent a new code. The earlier one no longer works."))
    return redirect("members:phone_verify")
