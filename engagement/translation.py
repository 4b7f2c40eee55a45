"""What managers write about challenges, in each language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from engagement.models import Challenge


@register(Challenge)
class ChallengeTranslation(TranslationOptions):
    fields = ("name", "description")
