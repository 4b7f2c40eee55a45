"""Lighthouse on the member's pages: `make lighthouse`.

Builds a production-like portal on this machine (loyalty/settings/lighthouse.py: DEBUG off,
production's hashed static files after collectstatic, WhiteNoise, gunicorn), seeds the demo,
logs the demo member in with a real log-in POST, and runs the pinned Lighthouse (npm ci in this
folder) with Debian's Chromium, headless, on each page at the mobile and the desktop form
factor. The reports go to var/lighthouse/ (JSON and HTML); a table of the scores is printed;
the exit status is 1 when a page misses its thresholds.

Nothing leaves this machine: Chromium resolves every host but 127.0.0.1 to nothing, and
Lighthouse sends no error reports.

    python tools/lighthouse/run.py [--page /me/] [--form-factor mobile]
"""

import argparse
import html.parser
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TOOL_DIR = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
REPORT_DIR = ROOT / "var" / "lighthouse"
SITE_DIR = REPORT_DIR / "site"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")

MEMBER_EMAIL = "alice@example.com"
MEMBER_PASSWORD = "loyalty-demo"  # noqa: S105 - the demo's published password (README)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")
# The thresholds (#18); SEO only where a search engine is welcome.
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100}
PUBLIC_MINIMUM = {**MINIMUM, "seo": 100}


@dataclass(frozen=True)
class Page:
    path: str
    signed_in: bool

    @property
    def name(self) -> str:
        who = "member" if self.signed_in else "anonymous"
        return (self.path.strip("/").replace("/", "-") or "home") + "." + who

    @property
    def minimum(self) -> dict[str, int]:
        return MINIMUM if self.signed_in else PUBLIC_MINIMUM


PAGES = (
    Page("/", signed_in=False),
    Page("/rewards/", signed_in=False),
    Page("/rewards/", signed_in=True),
    Page("/me/", signed_in=True),
    Page("/me/card/", signed_in=True),
)


def site_environment() -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="loyalty.settings.lighthouse",
        LOYALTY_VAR_DIR=str(SITE_DIR),
        PYTHONPATH=str(ROOT),
    )
    return environment


def manage(*arguments: str) -> None:
    subprocess.run(  # noqa: S603 - this interpreter and fixed arguments
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=site_environment(),
        check=True,
    )


# Managers upload photos; a demo reward without a picture gets one the size a phone takes and
# scales down (1600 x 1200), through the same re-encoding as the admin's form.
PICTURES = """
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from rewards.images import reward_image_reencode
from rewards.models import Reward

for number, reward in enumerate(Reward.objects.filter(image="").order_by("pk")):
    photo = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    photo = Image.blend(photo, Image.new("RGB", photo.size, (40 * number % 256, 120, 90)), 0.6)
    grain = Image.effect_noise(photo.size, 12).convert("RGB")
    photo = Image.blend(photo, grain, 0.15)
    ImageDraw.Draw(photo).ellipse((500, 300, 1100, 900), fill=(240, 230, 200))
    data = io.BytesIO()
    photo.save(data, "JPEG", quality=92)
    upload = SimpleUploadedFile(reward.slug + ".jpg", data.getvalue(), "image/jpeg")
    reward.image.save(upload.name, reward_image_reencode(upload), save=True)
"""


def site_prepare() -> None:
    """A fresh database, the demo data with pictures and production's static files, every run
    alike."""
    shutil.rmtree(SITE_DIR, ignore_errors=True)
    for folder in ("broker/in", "broker/processed", "broker/control", "public/media", "mail"):
        (SITE_DIR / folder).mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("seed_demo")
    manage("shell", "-v", "0", "-c", PICTURES)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_start(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - this interpreter and fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "loyalty.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=site_environment(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The portal did not start (gunicorn exited with {server.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The portal did not answer /healthz within 30 seconds")


class _CsrfField(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "input" and fields.get("name") == "csrfmiddlewaretoken":
            self.token = fields.get("value") or ""


def member_cookie(base_url: str) -> str:
    """The demo member's session, from the log-in form as a browser submits it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base_url}/accounts/login/"
    with opener.open(login_url, timeout=10) as response:
        form = _CsrfField()
        form.feed(response.read().decode())
    if not form.token:
        raise SystemExit("The log-in page has no CSRF token")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": form.token, "login": MEMBER_EMAIL, "password": MEMBER_PASSWORD}
    ).encode()
    request = urllib.request.Request(login_url, data=body, headers={"Referer": login_url})  # noqa: S310
    with opener.open(request, timeout=10) as response:
        landed = urllib.parse.urlsplit(response.geturl()).path
    cookies = {cookie.name: cookie.value for cookie in jar}
    if landed != "/me/" or "sessionid" not in cookies:
        raise SystemExit(f"Logging in as {MEMBER_EMAIL} failed (landed on {landed})")
    return "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))


def lighthouse_run(base_url: str, page: Page, form_factor: str, cookie: str) -> dict:
    output = REPORT_DIR / f"{page.name}.{form_factor}"
    chrome_flags = [
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        # Nothing but the portal: every other host name resolves to nothing.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]
    command = [
        str(LIGHTHOUSE),
        base_url + page.path,
        "--quiet",
        "--no-enable-error-reporting",
        "--output=json",
        "--output=html",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(chrome_flags)}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    if page.signed_in:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(  # noqa: S603 - the pinned Lighthouse, arguments built here
        command, cwd=TOOL_DIR, env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True
    )
    report = json.loads(Path(f"{output}.report.json").read_text())
    final_path = urllib.parse.urlsplit(report["finalDisplayedUrl"]).path
    if final_path != page.path:
        raise SystemExit(f"Lighthouse measured {final_path}, not {page.path}")
    elsewhere = [
        item["url"]
        for item in report["audits"]["network-requests"]["details"]["items"]
        if not item["url"].startswith(base_url + "/") and not item["url"].startswith("data:")
    ]
    if elsewhere:
        raise SystemExit(f"{page.path} asked another host for: " + ", ".join(elsewhere))
    return report


def scores(report: dict) -> dict[str, int]:
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def failures(report: dict) -> list[str]:
    """The audits that cost points, for a reader to act on."""
    found = []
    for name in CATEGORIES:
        category = report["categories"][name]
        for reference in category["auditRefs"]:
            audit = report["audits"][reference["id"]]
            if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{name}: {audit['id']} ({audit['score']}) {audit['title']}")
    return found


def table(rows: list[tuple[Page, str, dict[str, int]]]) -> str:
    header = ("page", "who", "form factor", *CATEGORIES)
    lines = [header]
    for page, form_factor, score in rows:
        who = "member" if page.signed_in else "anonymous"
        lines.append((page.path, who, form_factor, *(str(score[name]) for name in CATEGORIES)))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            + " |"
        )

    rule = "| " + " | ".join("-" * width for width in widths) + " |"
    return "\n".join([line(lines[0]), rule, *(line(cells) for cells in lines[1:])])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", help="only this path (repeatable)")
    parser.add_argument("--form-factor", choices=FORM_FACTORS, action="append")
    arguments = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"Lighthouse is not installed: run `npm ci` in {TOOL_DIR}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not at {CHROMIUM} (CHROME_PATH overrides)")
    pages = [page for page in PAGES if not arguments.page or page.path in arguments.page]
    form_factors = arguments.form_factor or FORM_FACTORS

    site_prepare()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = server_start(port)
    rows = []
    problems = []
    try:
        cookie = member_cookie(base_url)
        for page in pages:
            for form_factor in form_factors:
                report = lighthouse_run(base_url, page, form_factor, cookie)
                score = scores(report)
                rows.append((page, form_factor, score))
                missed = [
                    f"{name} {score[name]} < {minimum}"
                    for name, minimum in page.minimum.items()
                    if score[name] < minimum
                ]
                if missed:
                    problems.append(
                        f"{page.path} ({page.name.split('.')[1]}, {form_factor}): "
                        + ", ".join(missed)
                        + "".join(f"\n    {audit}" for audit in failures(report))
                    )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(table(rows))
    print(f"\nReports: {REPORT_DIR.relative_to(ROOT)}/")
    if problems:
        print("\nBelow the thresholds:\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
