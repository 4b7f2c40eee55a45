"""What a caller may reach: store endpoints need a store's API key, `/me/` a signed-in member."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from loyalty.models import ApiKey


class IsStoreApiKey(BasePermission):
    """An active API key of an open store. A member's session is not enough."""

    message = _("This endpoint is for tills and web shops: send a store's API key.")
    code = "api_key_required"

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return False
        if not api_key.store.is_active:
            raise exceptions.PermissionDenied(
                _("The store %(store)s is closed in the program.") % {"store": api_key.store.code},
                code="store_closed",
            )
        return True


class IsMember(BasePermission):
    """A signed-in person with a member profile, through the portal's session."""

    message = _("Sign in to the portal as a member to use this endpoint.")
    code = "member_required"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if isinstance(request.auth, ApiKey) or not user.is_authenticated:
            return False
        return hasattr(user, "member")
