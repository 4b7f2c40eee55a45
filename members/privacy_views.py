"""Download my data, close my account."""

import json

from django import forms
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from members.decorators import member_required
from members.models import Member
from members.privacy import member_close, member_data_export


@member_required
@require_GET
def data_export(request: HttpRequest, member: Member) -> HttpResponse:
    response = HttpResponse(
        json.dumps(member_data_export(member=member), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-loyalty-data.json"'
    return response


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


@member_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest, member: Member) -> HttpResponse:
    form = CloseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        member_close(member=member)
        logout(request)
        return render(request, "members/account_closed.html")
    return render(request, "members/close_account.html", {"form": form, "member": member})
