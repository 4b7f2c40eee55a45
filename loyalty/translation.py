"""What managers write about tiers, earning rules and product categories, in each language
(django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from loyalty.models import EarningRule, ProductCategory, Tier


@register(Tier)
class TierTranslation(TranslationOptions):
    fields = ("name", "benefits")


@register(EarningRule)
class EarningRuleTranslation(TranslationOptions):
    fields = ("name",)


@register(ProductCategory)
class ProductCategoryTranslation(TranslationOptions):
    fields = ("name",)
