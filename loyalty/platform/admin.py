"""Admin pieces every app shares."""


class ReadOnlyAdminMixin:
    """View only, for every user: the rows are written by the services alone."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
