"""Who is calling: a till or web shop with an API key, or a member signed in to the portal.

Tills send `Authorization: Api-Key <key>`; the key is bound to one store. Members reach
`/api/v1/me/…` with their session cookie, with Django's CSRF protection on unsafe methods.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from loyalty.models import ApiKey
from loyalty.services.api_keys import api_key_find, api_key_touch

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`. Sets `request.auth` to the `ApiKey`; the user stays
    anonymous, since a key speaks for a store, not for a person."""

    def authenticate(self, request) -> tuple[AnonymousUser, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _space, raw_key = header.strip().partition(" ")
        if scheme.lower() != KEYWORD.lower():
            return None
        raw_key = raw_key.strip()
        if not raw_key or " " in raw_key:
            raise exceptions.AuthenticationFailed(
                _("Send the key as 'Authorization: Api-Key <key>'."), code="invalid_api_key"
            )
        api_key = api_key_find(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid."), code="invalid_api_key"
            )
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed(
                _("This API key was revoked."), code="api_key_revoked"
            )
        api_key_touch(api_key=api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


class MemberSessionAuthentication(SessionAuthentication):
    """The portal's session cookie, CSRF enforced on unsafe methods (as DRF does)."""

    def authenticate_header(self, request) -> str:
        # A 401 needs a challenge; "Session" tells a browser client to sign in to the portal.
        return "Session"

    def enforce_csrf(self, request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error.detail), code="csrf_failed") from error


def _view_permits(auto_schema, permission_path: str) -> bool:
    names = {
        f"{permission.__module__}.{permission.__qualname__}"
        for permission in auto_schema.view.permission_classes
    }
    return permission_path in names


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_requirement(self, auto_schema):
        # Member endpoints also read a key, only to refuse it with a clear 403.
        if _view_permits(auto_schema, "loyalty.api.permissions.IsMember"):
            return None
        return {self.name: []}

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A store's API key, sent as `Authorization: Api-Key <key>`. A program manager "
                "creates one in the admin or with `python manage.py create_api_key --store "
                "<code>`; it is shown once."
            ),
        }


class MemberSessionScheme(OpenApiAuthenticationExtension):
    target_class = MemberSessionAuthentication
    name = "MemberSession"

    def get_security_requirement(self, auto_schema):
        # Store endpoints also read a session, only to refuse it with a clear 403.
        if _view_permits(auto_schema, "loyalty.api.permissions.IsStoreApiKey"):
            return None
        return {self.name: []}

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": (
                "The session of a member signed in to the portal. Unsafe methods need the "
                "CSRF token in the `X-CSRFToken` header."
            ),
        }
