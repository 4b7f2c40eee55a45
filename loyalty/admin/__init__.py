"""The program manager's admin for the points engine, one module per sub-domain (as in
`loyalty/models/`). Managers edit the program's tunables, rules and tiers; the ledger (entries,
lots, purchases, balances) is read-only: it changes only through the services. Importing the
modules registers them with the admin site."""

from loyalty.admin import api, ledger, outbox, program, purchases, rules, tiers

__all__ = ["api", "ledger", "outbox", "program", "purchases", "rules", "tiers"]
