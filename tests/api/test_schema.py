"""The OpenAPI schema: committed, current, valid, and true of the running app (Schemathesis).

The committed copy, docs/api/openapi.yaml, is what integrators read; this test regenerates the
schema in-process and fails when the two differ, saying how to regenerate it.
"""

import difflib
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from loyalty.api.schema import MESSAGES
from loyalty.wsgi import application
from rewards.models import RedemptionChannel
from rewards.services import reward_redeem
from tests.api.conftest import url
from tests.loyalty.points import line
from tests.rewards.catalogue import give_points, make_reward

COMMITTED = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --file docs/api/openapi.yaml"
    "  (then commit docs/api/openapi.yaml)"
)


def generate() -> dict:
    GENERATOR_STATS.reset()
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_committed_schema_is_current():
    generated = OpenApiYamlRenderer().render(generate(), renderer_context={}).decode()
    committed = COMMITTED.read_text() if COMMITTED.exists() else ""

    if generated != committed:
        diff = "".join(
            list(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    generated.splitlines(keepends=True),
                    "docs/api/openapi.yaml (committed)",
                    "generated from the code",
                )
            )[:60]
        )
        pytest.fail(
            f"docs/api/openapi.yaml is out of date with the API. Regenerate it:\n    "
            f"{REGENERATE}\n\n{diff}",
            pytrace=False,
        )


def test_the_schema_is_valid_openapi_and_generates_without_warnings():
    schema = generate()

    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned; run manage.py spectacular to see why"


def test_every_error_code_is_documented():
    text = COMMITTED.read_text()

    for code in MESSAGES:
        assert f"`{code}`" in text, code


@pytest.mark.django_db
def test_the_schema_and_the_docs_are_served(client):
    schema = client.get(url("schema"))
    docs = client.get(url("docs"))

    assert schema.status_code == 200
    assert b"/api/v1/purchases/" in schema.content
    assert docs.status_code == 200


# --- Schemathesis: generated requests against the app -----------------------------------------

CONFIG = schemathesis.Config.from_dict(
    {"generation": {"max-examples": 15, "deterministic": True, "database": "none"}}
)
SCHEMA = schemathesis.openapi.from_dict(generate(), config=CONFIG)
SCHEMA.app = application
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def fuzz_world(customer, store, own_key, earning, settings, wsgi_in_test_transaction):
    """A key, a member with points, a purchase, a reward and a voucher for requests to hit."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/minute", "api_member": "100000/minute"},
    }
    from engagement.services.checkout import checkout_purchase

    give_points(customer, 100_000)
    checkout_purchase(
        member=customer, store=store, external_id="r-1", lines=[line("10.00", quantity=3)]
    )
    reward = make_reward(points_cost=10)
    redemption = reward_redeem(
        member=customer, reward=reward, channel=RedemptionChannel.API, store=store
    )
    return {
        "raw_key": own_key[1],
        "path_parameters": {
            "card_number": customer.card_number,
            "external_id": "r-1",
            "id": redemption.pk,
            "code": redemption.code,
        },
        "body": {"member": customer.card_number, "reward": reward.pk},
    }


def _credentials(case, fuzz_world, member_cookie: str) -> dict:
    if case.path.startswith("/api/v1/me/"):
        return {"cookies": {settings.SESSION_COOKIE_NAME: member_cookie}}
    return {"headers": {"Authorization": f"Api-Key {fuzz_world['raw_key']}"}}


@pytest.fixture
def wsgi_in_test_transaction():
    """Calls through the WSGI app, like Django's test client, keep the test's connection: the
    request signals would otherwise close it (on PostgreSQL) in the middle of the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_cookie(customer, client) -> str:
    client.force_login(customer.user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.django_db
@SCHEMA.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_documented_answers(case, fuzz_world, member_cookie):
    response = case.call(**_credentials(case, fuzz_world, member_cookie))

    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
@SCHEMA.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_about_real_things_get_documented_answers(
    case, fuzz_world, member_cookie
):
    """The same, with the path and body naming the real member, purchase, reward and voucher,
    so that requests get past the lookups into the services."""
    for name in case.path_parameters or {}:
        if name in fuzz_world["path_parameters"]:
            case.path_parameters[name] = fuzz_world["path_parameters"][name]
    if isinstance(case.body, dict):
        for name, value in fuzz_world["body"].items():
            if name in case.body:
                case.body[name] = value
    if case.headers and "Idempotency-Key" in case.headers:
        # A fresh key each time: a key reused with another body only ever meets a 409.
        case.headers["Idempotency-Key"] = str(uuid.uuid4())

    response = case.call(**_credentials(case, fuzz_world, member_cookie))

    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_the_interactive_docs_load_everything_from_this_site(client):
    from django.urls import reverse

    response = client.get(reverse("api:docs"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "cdn." not in html
    assert "<style" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "Content-Security-Policy" in response.headers
