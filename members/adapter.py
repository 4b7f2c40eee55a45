"""django-allauth hooks: a signed-up user becomes a member in the same transaction."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction

from .services import member_create


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.LOYALTY_SIGNUP_OPEN

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                member_create(user=user)
        return user
