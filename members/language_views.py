"""The footer's language switcher, for everyone (templates/includes/language_switcher.html)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loyalty.platform.languages import language_remember
from members.languages import member_language_set
from members.models import Member


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


def _back(request: HttpRequest) -> str:
    """Where the switcher was used (a page of this site only), else the home page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Read the site in the chosen language from now on: in this browser (a cookie), and for a
    member everywhere, their emails and notifications included (the profile's language)."""
    response = HttpResponseRedirect(_back(request))
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return response
    language = form.cleaned_data["language"]
    language_remember(request, response, language)
    if request.user.is_authenticated:
        member = Member.objects.filter(user=request.user).first()
        if member is not None:
            member_language_set(member=member, language=language)
    return response
