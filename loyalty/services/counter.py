"""Who may act at a store's counter: one home for the rules the desk and the API share.

A counter act happens at a store: a purchase, a return or a void, a redemption at the counter,
a voucher used or voided. The services call these checks before they change anything, so a
page and a till can never disagree:

- the act needs a store (`store_required`): a staff login linked to no store does nothing at
  the desk, and an API key always has its store;
- a store changes only what it recorded or issued (`same_store_required`), as an API key
  reaches only its own store's purchases and redemptions;
- nobody serves their own member account at a store (`own_account_refused`). A member acting
  online (no store) on their own account is the member, not staff, and is not refused.
"""

from loyalty.exceptions import NoStore, OtherStore, OwnAccount
from loyalty.models import Store


def store_required(store: Store | None) -> Store:
    """The store of a counter act, or `NoStore`."""
    if store is None:
        raise NoStore()
    return store


def store_may_change(*, store: Store | None, owner_store_id: int | None) -> bool:
    """Whether an act at `store` may change what `owner_store_id` recorded or issued.

    Without a store (the worker, a member closing their account, a manager's correction) no
    store rule applies; what belongs to no store (an online voucher) is every store's.
    """
    return store is None or owner_store_id is None or owner_store_id == store.pk


def same_store_required(*, store: Store | None, owner_store_id: int | None) -> None:
    """Refuse (`OtherStore`) an act at `store` on what another store recorded or issued."""
    if not store_may_change(store=store, owner_store_id=owner_store_id):
        raise OtherStore()


def own_account_refused(*, actor, member, store: Store | None) -> None:
    """Refuse (`OwnAccount`) a person at a store acting on their own member account."""
    if store is None or actor is None or member is None:
        return
    if getattr(actor, "pk", None) is not None and actor.pk == member.user_id:
        raise OwnAccount()
