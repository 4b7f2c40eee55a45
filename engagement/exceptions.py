"""Failures of engagement (surveys, stamp cards): each with its stable code and HTTP status."""

from django.utils.translation import gettext_lazy as _

from loyalty.platform.errors import DomainError


class SurveyClosed(DomainError):
    code = "survey_closed"
    status = 409
    default_message = _("This survey was already answered. Thank you!")


class InvalidSurveyAnswer(DomainError):
    code = "invalid_survey_answer"
    status = 422
    default_message = _("Choose a score from 0 to 10.")
