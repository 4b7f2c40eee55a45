"""What users do again and again in the journeys, written as they do it in the browser."""

import io
import re
from functools import cache
from importlib.resources import files

from django.core import mail
from PIL import Image
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.qr import decode
from tests.two_factor import totp_code


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """On the sign-in page (opened directly, or where a protected page sent the user)."""
    if "/accounts/login/" not in page.url:
        page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def set_up_two_factor(page: Page, password: str = PASSWORD) -> str:
    """Where a work page sent a manager without an authenticator app: the password again, then
    the app's secret (read off the page, as a person types it into their phone) and its first
    code; ends on the recovery codes. The secret, for the codes of later sign-ins."""
    expect(page.get_by_text("Your role needs two-factor sign-in before")).to_be_visible()
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_role("heading", name="Turn on an authenticator app")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on", exact=True).click()
    expect(page.get_by_role("heading", name="Recovery codes", exact=True)).to_be_visible()
    expect(page.get_by_label("Unused codes")).not_to_be_empty()
    return secret


def sign_up(page: Page, *, first_name: str, last_name: str, email: str, password: str) -> None:
    """Fill in the sign-up form the user is on; the caller clicks "Join"."""
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)


def confirmation_link(address: str, *, base_url: str) -> str:
    """The link in the one confirmation email sent to `address` (captured by the locmem
    backend: the live server runs in this process)."""
    sent = [message for message in mail.outbox if message.to == [address]]
    assert len(sent) == 1, [message.to for message in mail.outbox]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", sent[0].body).group(0)
    assert link.startswith(base_url + "/"), link
    return link


def confirm_email(page: Page, address: str, *, base_url: str) -> None:
    page.goto(confirmation_link(address, base_url=base_url))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    expect(page.get_by_text(address)).to_be_visible()
    page.get_by_role("button", name="Confirm", exact=True).click()


def scan(page: Page, box, text: str) -> None:
    """What a USB or Bluetooth scanner does: keystrokes into the focused box, then Enter."""
    expect(box).to_be_focused()
    wait_for_scripts(page)  # scan.js selects the box's old text; it must not select half a scan
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def open_purchase_form(page: Page) -> None:
    """From the member's summary at the staff desk, with the live preview ready to listen."""
    page.get_by_role("link", name="Record purchase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a purchase")
    wait_for_scripts(page)


def wait_for_scripts(page: Page) -> None:
    """Let the page's deferred scripts attach (they run before "load"), as a person pauses
    before typing: keystrokes sent earlier would reach no listener."""
    page.wait_for_load_state("load")


def fill_basket_line(
    page: Page,
    number: int,
    *,
    amount: str,
    description: str = "",
    category: str | None = None,
    quantity: int | None = None,
) -> None:
    line = page.get_by_role("group", name=f"Line {number}", exact=True)
    if line.count() == 0:
        # The basket shows the lines in use and one empty line; this one comes on a tap.
        page.get_by_role("button", name="Add a line").click()
    if description:
        line.get_by_label("Description").fill(description)
    if category:
        line.get_by_label("Category").select_option(label=category)
    if quantity is not None:
        line.get_by_label("Quantity").fill(str(quantity))
    line.get_by_label("Line total").fill(amount)


@cache
def _axe_source() -> str:
    """axe-core as the axe-playwright-python wheel ships it: installed, never fetched."""
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


SERIOUS = ("serious", "critical")


def assert_accessible(page: Page, label: str) -> None:
    """Run axe-core in the page as it is now and fail on any serious or critical violation.

    `page.evaluate` runs the script through the DevTools protocol, which the site's
    Content-Security-Policy (script-src 'self') does not apply to; a <script> tag would be
    blocked by it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [
        f"{violation['id']} ({violation['impact']}) at {violation['nodes'][0]['target'][0]}: "
        f"{violation['help']} [{len(violation['nodes'])} element(s)]"
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]
    assert not found, f"accessibility on {label} ({page.url}):\n" + "\n".join(found)


def qr_texts(png: bytes) -> list[str]:
    """The texts of the QR codes in a screenshot, read as a till scanner would."""
    return decode(Image.open(io.BytesIO(png)))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)
