import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_broker_when_it_is_down(client, settings):
    # Nothing listens on port 9: the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 1

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_healthz_is_503_and_names_the_database_when_it_is_down(client, monkeypatch):
    from django.db import DatabaseError, connection

    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    # The outside world failing: the database connection cannot be opened.
    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["status"] == "down"
