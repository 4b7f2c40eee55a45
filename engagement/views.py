"""Member-facing engagement pages: the survey answered from an email, and "Ways to earn"."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from engagement.selectors import challenges_active
from engagement.services.surveys import COMMENT_MAX, survey_answer, survey_bonus_rule, survey_find
from loyalty.models import RuleKind
from loyalty.platform.errors import DomainError
from loyalty.services.rulebook import rulebook


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend? (0 = not at all, 10 = extremely)"),
        choices=[(str(score), str(score)) for score in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you'd like to tell us? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@csrf_protect
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Answer once, without logging in: the signed link is the credential."""
    invitation = survey_find(token)
    if invitation is None:
        return render(request, "engagement/survey_invalid.html", status=404)
    if invitation.answered_at is not None:
        return render(
            request, "engagement/survey_done.html", {"invitation": invitation, "again": True}
        )
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = survey_answer(
                invitation=invitation,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(
                request, "engagement/survey_done.html", {"invitation": invitation, "again": False}
            )
    bonus = survey_bonus_rule(tier=invitation.account.tier)
    return render(request, "engagement/survey.html", {"form": form, "bonus": bonus})


@require_GET
def ways_to_earn(request: HttpRequest) -> HttpResponse:
    """Every active earning rule and challenge, in plain words."""
    now = timezone.now()
    # The rules the engine applies now, from the same rule book; caps limit, they do not earn.
    rules = sorted(
        (
            rule
            for rule in rulebook().rules_in_force(now)
            if rule.kind not in {RuleKind.PURCHASE_CAP, RuleKind.DAILY_CAP}
        ),
        key=lambda rule: (rule.kind, rule.name),
    )
    return render(
        request,
        "engagement/ways_to_earn.html",
        {"rules": rules, "challenges": challenges_active(at=now), "now": now},
    )
