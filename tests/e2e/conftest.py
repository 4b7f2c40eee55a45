"""Browser journeys: Playwright for Python drives Debian's Chromium against pytest-django's live
server, in the same process and on the same database as the rest of the suite.

- Where /usr/bin/chromium is missing the whole folder is skipped with the reason (`make chromium`
  installs it); with REQUIRE_BROWSER=1 a missing browser stops the run instead.
- One headless Chromium for this folder; every user in a journey gets a fresh browser context.
- Nothing may reach another host: each context aborts requests that leave the live server, and
  every journey asserts that none was attempted, that no page logged a console error or threw,
  and that no response was a server error.
- A screenshot of each journey's key pages goes to var/screenshots/<journey>/ on every run
  (E2E_SCREENSHOT_DIR to choose another folder), replacing that journey's previous ones; the
  folder is named at the end of the run. var/ is git-ignored: screenshots are never committed.
"""

import os
from pathlib import Path

import pytest

from tests.roles import roles_restore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = "Pixel 7"
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

E2E_DIR = Path(__file__).resolve().parent
BASE_DIR = E2E_DIR.parent.parent
SCREENSHOT_DIR = BASE_DIR / "var" / "screenshots"
_SCREENSHOT_DIR = pytest.StashKey[Path]()


def pytest_collection_modifyitems(config, items) -> None:
    ours = [item for item in items if E2E_DIR in Path(str(item.path)).resolve().parents]
    if not ours or CHROMIUM.exists():
        return
    problem = f"{CHROMIUM} is missing (`make chromium` installs Debian's chromium)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.exit(f"REQUIRE_BROWSER=1 but {problem}.", returncode=3)
    skip = pytest.mark.skip(reason=f"Browser journeys skipped: {problem}.")
    for item in ours:
        item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    folder = config.stash.get(_SCREENSHOT_DIR, None)
    if folder is not None and any(folder.iterdir()):
        terminalreporter.write_line(f"Browser journey screenshots: {folder}")


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="package")
def _orm_beside_playwright():
    """Playwright's sync API keeps an asyncio loop marked as running in the test thread while
    it is started, and Django's async-safety guard then refuses the ORM calls these tests make
    to arrange data and read what the site stored. Nothing asynchronous runs in the test thread
    (the live server answers in its own threads), so the guard is off for this folder only,
    and Playwright is stopped when the folder is done, before any other test runs."""
    key = "DJANGO_ALLOW_ASYNC_UNSAFE"
    previous = os.environ.get(key)
    os.environ[key] = "true"
    yield
    if previous is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = previous


@pytest.fixture(scope="package")
def playwright(_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="package")
def browser(playwright):
    """Debian's Chromium, headless, with a fresh temporary profile; never a downloaded one."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def screenshot_dir(request) -> Path:
    configured = os.environ.get("E2E_SCREENSHOT_DIR")
    folder = Path(configured).resolve() if configured else SCREENSHOT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[_SCREENSHOT_DIR] = folder
    return folder


class Journey:
    """The browser side of one test: its users' contexts, every URL their pages requested, and
    whatever went wrong in them (console errors, uncaught exceptions, server errors)."""

    def __init__(
        self, *, browser, devices, base_url: str, screenshot_dir: Path, folder: str, name: str
    ):
        self._browser = browser
        self._devices = devices
        self.base_url = base_url.rstrip("/")
        self._screenshot_dir = screenshot_dir / folder
        self._screenshot_dir.mkdir(parents=True, exist_ok=True)
        for old in self._screenshot_dir.glob(f"{name}-*.png"):
            old.unlink()  # this run's screenshots replace the last run's, none left over
        self._name = name
        self._contexts = []
        self._step = 0
        self.requested: list[str] = []
        self.problems: list[str] = []

    def url(self, path: str) -> str:
        return self.base_url + path

    def on_site(self, url: str) -> bool:
        return url == self.base_url or url.startswith(self.base_url + "/")

    def new_page(
        self,
        *,
        phone: bool = False,
        permissions: tuple[str, ...] = (),
        dark: bool = False,
        locale: str = "en-US",
    ):
        """A page in a new context (a fresh browser for a new user), on a phone or a desk PC;
        `dark`: the device asks for dark mode (prefers-color-scheme: dark); `locale`: the
        browser's language (its Accept-Language and navigator.language)."""
        options = dict(self._devices[PHONE]) if phone else {"viewport": DESKTOP_VIEWPORT}
        options.pop("default_browser_type", None)
        if dark:
            options["color_scheme"] = "dark"
        context = self._browser.new_context(
            base_url=self.base_url, locale=locale, timezone_id="UTC", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        if permissions:
            context.grant_permissions(list(permissions), origin=self.base_url)
        context.route(lambda url: not self.on_site(url), lambda route: route.abort())
        context.on("request", lambda request: self.requested.append(request.url))
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))
        context.on("response", self._response)
        self._contexts.append(context)
        return context.new_page()

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.page.url if message.page else "?"
            self.problems.append(f"console error on {where}: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} from {response.url}")

    def shot(self, page, step: str, *, full_page: bool = True) -> bytes:
        """Save a screenshot of this step and return its PNG bytes: the whole page, or only
        the screen (`full_page=False`, where a bar sticks to the bottom of the screen)."""
        self._step += 1
        path = self._screenshot_dir / f"{self._name}-{self._step:02d}-{step}.png"
        return page.screenshot(path=path, full_page=full_page)

    def assert_stayed_on_site_without_errors(self) -> None:
        assert self.requested, "no page was requested"
        assert [url for url in self.requested if not self.on_site(url)] == []
        assert self.problems == []

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def journey(request, browser, playwright, live_server, screenshot_dir):
    started = Journey(
        browser=browser,
        devices=playwright.devices,
        base_url=live_server.url,
        screenshot_dir=screenshot_dir,
        folder=request.node.path.stem.removeprefix("test_"),
        name=request.node.name.removeprefix("test_"),
    )
    yield started
    started.close()


# --- the database -------------------------------------------------------------------------


@pytest.fixture(scope="package", autouse=True)
def _roles_after_the_journeys(django_db_blocker):
    """Leave the groups in place for whatever runs after this folder, as migrations made them."""
    yield
    with django_db_blocker.unblock():
        roles_restore()


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    roles_restore()


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """Uploads (reward images) go to a temporary folder, which the live server serves."""
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    return folder
