import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from engagement.models import SurveyInvitation
from engagement.selectors import nps_summary
from loyalty.models import OutboxEmail, RuleKind
from loyalty.services import program_settings_get
from tests.factories import create_customer
from tests.loyalty.points import base_rule, buy, line, rule, state


@pytest.fixture
def nps(db):
    program = program_settings_get()
    program.nps_enabled, program.nps_period_days = True, 90
    program.save()
    base_rule("1")
    rule(RuleKind.SURVEY_BONUS, "Thanks for your feedback", points=25)


def survey_link(invitation: SurveyInvitation) -> str:
    body = OutboxEmail.objects.get(key=f"survey:{invitation.pk}").body_text
    return re.search(r"https?://[^/]+(/survey/[^\s]+/)", body).group(1)


@pytest.mark.django_db
def test_one_invitation_per_period(customer, store, nps):
    buy(customer, store, "r1", line("10"))
    buy(customer, store, "r2", line("10"))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=91)):
        buy(customer, store, "r3", line("10"))

    assert SurveyInvitation.objects.count() == 2
    assert OutboxEmail.objects.filter(key__startswith="survey:").count() == 2


@pytest.mark.django_db
def test_no_invitation_when_surveys_are_off(customer, store):
    base_rule("1")

    buy(customer, store, "r1", line("10"))

    assert SurveyInvitation.objects.count() == 0


@pytest.mark.django_db
def test_answering_from_the_email_link_gives_the_bonus_once(client, customer, store, nps):
    buy(customer, store, "r1", line("10"))
    link = survey_link(SurveyInvitation.objects.get())

    page = client.get(link)
    answer = client.post(link, {"score": "9", "comment": "Lovely staff"})
    again = client.post(link, {"score": "0", "comment": "changed my mind"})

    assert page.status_code == 200
    assert "Answer and get 25 points as a thank-you." in page.content.decode()
    assert answer.status_code == 200
    assert "25 points are on their way" in answer.content.decode()
    assert "This survey was already answered" in again.content.decode()
    invitation = SurveyInvitation.objects.get()
    assert (invitation.score, invitation.comment) == (9, "Lovely staff")
    assert state(customer) == (35, 0, 0, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("score", ["11", "-1", "nine", ""])
def test_bad_scores_are_refused_and_change_nothing(client, customer, store, nps, score):
    buy(customer, store, "r1", line("10"))
    link = survey_link(SurveyInvitation.objects.get())

    response = client.post(link, {"score": score})

    assert response.status_code == 200
    assert "score" in response.context["form"].errors
    assert SurveyInvitation.objects.get().answered_at is None
    assert state(customer) == (10, 0, 0, 1)


@pytest.mark.django_db
def test_a_tampered_link_is_refused(client, customer, store, nps):
    buy(customer, store, "r1", line("10"))
    link = survey_link(SurveyInvitation.objects.get())
    token = link.split("/")[2]

    for bad in [token[:-1] + ("A" if token[-1] != "A" else "B"), "1", "x:y:z"]:
        response = client.post(reverse("survey", args=[bad]), {"score": "10"})
        assert response.status_code == 404

    assert SurveyInvitation.objects.get().answered_at is None


@pytest.mark.django_db
def test_nps_is_promoters_minus_detractors(store, nps):
    from engagement.services.surveys import survey_answer

    scores = [10, 9, 9, 8, 7, 6, 3, 0]
    for index, score in enumerate(scores):
        member = create_customer()
        buy(member, store, f"r{index}", line("10"))
        survey_answer(invitation=SurveyInvitation.objects.get(account__member=member), score=score)
    buy(create_customer(), store, "r-unanswered", line("10"))

    summary = nps_summary(
        start=timezone.now() - datetime.timedelta(days=1),
        end=timezone.now() + datetime.timedelta(days=1),
    )

    # 3 promoters, 3 detractors of 8 answers: 37.5 - 37.5 = 0; 8 of 9 answered.
    assert summary == {
        "sent": 9,
        "answered": 8,
        "promoters": 3,
        "detractors": 3,
        "nps": 0,
        "response_rate": 88.9,
    }
