"""The customer's pages: landing, dashboard, member card and profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .forms import ProfileForm
from .identifiers import card_number_format
from .models import Member
from .qr import qr_png, qr_svg
from .services import PhoneInUse, member_profile_update


def _member_of(request: HttpRequest) -> Member | None:
    return Member.objects.select_related("user", "points_account").filter(user=request.user).first()


def _no_membership(request: HttpRequest) -> HttpResponse:
    """Staff and managers sign in without a member card; point them to where they work."""
    return render(request, "members/no_membership.html", status=404)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if member is None:
        return _no_membership(request)
    return render(
        request,
        "members/dashboard.html",
        {"member": member, "account": member.points_account},
    )


@login_required
@require_GET
def card(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if member is None:
        return _no_membership(request)
    label = _("Member card %(number)s") % {"number": card_number_format(member.card_number)}
    return render(
        request,
        "members/card.html",
        {
            "member": member,
            "card_number_display": card_number_format(member.card_number),
            "qr_svg": qr_svg(member.card_number, title=label),
        },
    )


@login_required
@require_GET
def card_png(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if member is None:
        return _no_membership(request)
    response = HttpResponse(qr_png(member.card_number), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="member-card-{member.card_number}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    member = _member_of(request)
    if member is None:
        return _no_membership(request)
    initial = {
        "first_name": member.user.first_name,
        "last_name": member.user.last_name,
        "phone": member.phone,
        "birthday": member.birthday,
        "reminder_emails": member.reminder_emails,
        "marketing_emails": member.marketing_emails,
    }
    form = ProfileForm(request.POST or None, member=member, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member_profile_update(member=member, **form.cleaned_data)
        except PhoneInUse:
            form.add_error(
                "phone", _("This phone number belongs to another member. Ask staff for help.")
            )
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("members:profile")
    return render(request, "members/profile.html", {"member": member, "form": form})
