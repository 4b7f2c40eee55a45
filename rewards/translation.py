"""What managers write about rewards and causes, in each language (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from rewards.models import Cause, Reward, RewardCategory


@register(Reward)
class RewardTranslation(TranslationOptions):
    fields = ("name", "description")


@register(RewardCategory)
class RewardCategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Cause)
class CauseTranslation(TranslationOptions):
    fields = ("name", "description")
