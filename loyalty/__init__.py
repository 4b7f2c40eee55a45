"""The loyalty portal project and its points engine app (label `loyalty`)."""

from loyalty.celery import app as celery_app

__all__ = ("celery_app",)
