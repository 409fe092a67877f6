"""Every page, for every role's demo login, in a real Chromium at 1366×768 and 1920×1080.

The pages are found, not listed: every GET route of the URL resolver without parameters, plus
the pages with parameters (an incident, a park, a unit…) reached by following the links of the
pages already seen, one page per route and role. A module added later is covered as soon as its
routes are mounted and linked. Each page fails the test on

* horizontal overflow of the document, or a navigation link cut off or outside the screen;
* English words, FIWARE attribute names or raw codes in the Indonesian interface;
* text contrast below WCAG AA (axe-core's ``color-contrast`` rule; axe ships in
  ``axe-playwright-python``, no network);
* a JavaScript error in the console, or a subresource answered 4xx/5xx (a missing static file).

Screenshots land in ``var/screenshots/<role>/<page>-<size>.png`` for a person to look at
(each route under the first role that opens it; the 112 console with a screen-pop under
``penerima``), the findings in ``var/screenshots/failures.txt``. A route is looked at whole by
the first role that opens it; the other roles' visits check layout, words, console and files
at 1366×768 (a page with a parameter, one incident or one asset, is the same template for
every role: it is opened by the first role that reaches it), so the run stays within
minutes. One
server and one browser for all of it; part of ``make test`` on SQLite (the pages are the
same on PostgreSQL, whose pass leaves browser tests out).
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from urllib.parse import urlsplit

import pytest

from tests.livesite import ROOT, chromium_page, live_site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("KENDALI_DATABASE_URL", "").startswith("postgres"),
        reason="pages are the same on PostgreSQL: the SQLite pass takes them",
    ),
]

SIZES = [(1366, 768), (1920, 1080)]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kendali-demo-2026"
# One demo login per role (the other officers and call-takers see the same pages), and the
# agency officers whose agency gives them pages of their own (reports, indicator figures).
ROLES = [
    "admin",
    "supervisor",
    "penerima",
    "dispatcher",
    "damkar",
    "pemantau",
    "operator",
    "aset",
    "spbe",
    "sekda",
    "bpkad",
    "pengguna_pupr",
    "pengurus_pupr",
    "kuasa_dinkes",
    "pembantu_dinkes",
    "dpupr",  # an agency officer of the citizens' reports (DPUPR's inbox)
    "dinkes",  # an agency officer who enters indicator figures (and takes health calls)
    "reviu",  # the SPBE reviewer (Inspektorat): accepts or returns answers
]
# While working on some screens: KENDALI_PAGES_ROLES=pemantau,operator (the suite takes all).
ROLES = [r for r in ROLES if r in os.environ.get("KENDALI_PAGES_ROLES", ",".join(ROLES)).split(",")]
PER_ROLE_LIMIT = 60  # pages per role, a guard against a link explosion

# Routes never opened, with the reason. Matched against the resolver's route string.
SKIP = {
    "keluar/": "logs out",
    "api/": "the JSON API, not pages",
    "admin/": "Django's own data administration (English-only parts, its own styles)",
    "i18n/": "language switch (POST)",
    "static/": "files",
    "media/": "files",
    "masuk/": "the login page itself is visited while logging in",
}
NOT_HTML = re.compile(r"(ekspor|export|\.csv|\.xlsx|\.pdf|\.xml|\.json|/cap|/unduh|feed|stream)")

# English that must not show in the Indonesian interface (whole words, case-insensitive), and
# raw codes: FIWARE attribute names (camelCase), SLA keys, bare second counts.
ENGLISH = {
    "the", "and", "with", "from", "this", "your", "please", "loading", "error", "warning",
    "submit", "save", "cancel", "delete", "search", "updated", "created", "assignment",
    "processing", "reaction", "response", "waiting", "online", "offline", "unknown", "none",
    "true", "false", "null", "undefined", "other", "met", "proc", "reac", "resp", "tota",
    "incident", "sensor reading", "level", "power", "state", "breached", "pending", "active",
}  # fmt: skip
ENGLISH_OK = {"online", "offline", "level"}  # established loanwords in Indonesian UI text
CAMEL = re.compile(r"\b[a-z]+[A-Z][A-Za-z]+\b")
CAMEL_OK = {"hAP", "cAP"}  # MikroTik model names in running text (tables mark them translate="no")
RAW_SECONDS = re.compile(r"\b\d{4,} dtk\b")
DOUBLED = re.compile(r"\b(Kota|Kabupaten|Kecamatan|Kelurahan) \1\b")
WORD = re.compile(r"[A-Za-z][A-Za-z-]*")

VISIBLE_TEXT_JS = """() => {
  const skip = "code,kbd,pre,script,style,noscript,select,option,textarea,[lang^=en],"
    + "[translate=no],.leaflet-control-attribution,.secret,.qr";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if (!el.offsetParent && style.position !== "fixed") continue;
    const t = node.textContent.trim();
    if (t) out.push(t);
  }
  return out.join("\\n");
}"""

LAYOUT_JS = """() => {
  const doc = document.documentElement;
  const problems = [];
  if (doc.scrollWidth > doc.clientWidth + 1) {
    const wide = [...document.querySelectorAll("body *")].filter(e => {
      const r = e.getBoundingClientRect(); return r.right > doc.clientWidth + 1 && r.width > 0;
    }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
      + (e.className && typeof e.className === "string" ? "." + e.className.split(" ")[0] : ""));
    problems.push("horizontal overflow " + doc.scrollWidth + ">" + doc.clientWidth + " " + wide);
  }
  const nav = document.querySelector(".mainnav");
  if (nav) {
    const nr = nav.getBoundingClientRect();
    for (const a of nav.querySelectorAll("a")) {
      const r = a.getBoundingClientRect();
      if (r.width === 0 || r.right > innerWidth + 1 || r.left < -1 || r.right > nr.right + 1
          || r.bottom > nr.bottom + 1 || a.scrollWidth > a.clientWidth + 1) {
        problems.push("navigation cut: " + a.textContent.trim());
      }
    }
  }
  return problems;
}"""


def route_of(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def skipped(route: str) -> bool:
    return any(route.startswith(prefix) for prefix in SKIP) or route.startswith("^")


def parameterless_routes() -> list[str]:
    """Every GET-able route of the resolver that needs no parameter, as a path."""
    from django.urls import URLPattern, URLResolver, get_resolver

    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            text = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + text)
            elif isinstance(p, URLPattern):
                route = prefix + text
                if "<" in route or route.startswith("^") or "(" in route or skipped(route):
                    continue
                paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def english_in(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for word in WORD.findall(line):
            if word.lower() in ENGLISH and word.lower() not in ENGLISH_OK:
                found.append(f"{word!r} in {line[:80]!r}")
        found += [
            f"raw name {m!r} in {line[:80]!r}" for m in CAMEL.findall(line) if m not in CAMEL_OK
        ]
        found += [f"raw seconds {m!r}" for m in RAW_SECONDS.findall(line)]
        found += [f"doubled {m.group(0)!r}" for m in DOUBLED.finditer(line)]
    return found


def slug(path: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    return s or "beranda"


def login(page, url: str, username: str) -> None:
    import pyotp

    from kendali.core.demo import TWO_FACTOR_DEMO_SECRETS

    page.goto(f"{url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if username in TWO_FACTOR_DEMO_SECRETS and page.locator("input[name=code]").count():
        page.fill("input[name=code]", pyotp.TOTP(TWO_FACTOR_DEMO_SECRETS[username]).now())
        with page.expect_navigation():
            page.click("main form button")


def test_every_page_for_every_role(tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    started = time.monotonic()
    axe = Axe()
    failures: list[str] = []
    visited_routes: set[str] = set()
    contrast_checked: set[str] = set()  # axe once per route: colours do not depend on the role
    timings: list[tuple[float, str]] = []
    fully_checked: set[str] = set()
    with live_site(tmp_path, demo=True) as site:
        # A moving city first: calls, incidents, units and readings for the pages to show.
        site.cli("simulate", "city", "--ticks", "4", "--interval", "0", check=False)
        with chromium_page(viewport=SIZES[0]) as page:
            browser = page.context.browser
            for role in ROLES:
                context = browser.new_context(
                    viewport={"width": SIZES[0][0], "height": SIZES[0][1]}, locale="id-ID"
                )
                page = context.new_page()
                problems: list[str] = []
                page.on(
                    "console",
                    lambda m, p=problems: (
                        p.append(f"console {m.type}: {m.text[:200]}") if m.type == "error" else None
                    ),
                )
                page.on("pageerror", lambda e, p=problems: p.append(f"JS error: {e}"))
                page.on(
                    "response",
                    lambda r, p=problems: (
                        p.append(f"{r.status} {r.url}")
                        if r.status >= 400 and r.request.resource_type != "document"
                        else None
                    ),
                )
                login(page, site.url, role)
                queue = deque(parameterless_routes())
                seen_routes: set[str] = set()
                done = 0
                while queue and done < PER_ROLE_LIMIT:
                    path = queue.popleft()
                    route = route_of(path)
                    if route is None or skipped(route) or route in seen_routes:
                        continue
                    seen_routes.add(route)
                    if NOT_HTML.search(path):
                        continue
                    if "<" in route and route in fully_checked:
                        # A page with a parameter (one incident, one asset) another role has
                        # looked at whole: the same template; this role's own pages are its
                        # menu's, opened below.
                        continue
                    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
                    problems.clear()
                    page_started = time.monotonic()
                    try:
                        response = page.goto(site.url + path, wait_until="load", timeout=90000)
                    except Exception as exc:  # noqa: BLE001 - reported with the page, then on
                        text = str(exc)
                        # A file (download) or an empty refusal (405 of a POST-only route, 403
                        # without a body): not a page of this role.
                        if not any(
                            mark in text
                            for mark in (
                                "Download",
                                "ERR_HTTP_RESPONSE_CODE_FAILURE",
                                "ERR_ABORTED",
                            )
                        ):
                            failures.append(f"{role} {path}: did not load ({text[:120]})")
                        continue
                    kind = response.headers.get("content-type", "") if response else ""
                    if (
                        response is None
                        or response.status != 200
                        or response.url.split("?")[0] != site.url + path
                        or "text/html" not in kind
                        or not response.text().lstrip()[:15].lower().startswith("<!doctype")
                    ):
                        continue  # not this role's page (403/404/redirect), a file or a fragment
                    done += 1
                    visited_routes.add(route)
                    # A page that fills itself (the wall, the dashboard) says so with aria-busy
                    # until its data is in: looked at then, not after a guessed time.
                    try:
                        page.wait_for_function(
                            "() => !document.querySelector('[aria-busy=true]')", timeout=15000
                        )
                    except Exception:  # noqa: BLE001 - reported as the page's finding
                        failures.append(f"{role} {path}: still busy (aria-busy) after 15 s")
                    popped = path == "/112/" and role == "penerima"
                    if popped:
                        _pop_a_call(page)
                    where = f"{role} {path}"
                    # A route is looked at whole (both sizes, screenshots, contrast) by the first
                    # role that opens it, and for each role its first page (that role's
                    # navigation at both sizes); the other roles' visits check layout, words,
                    # console and files at the first size: the run stays within minutes.
                    full = route not in fully_checked or done == 1 or popped
                    fully_checked.add(route)
                    if full:
                        page.wait_for_timeout(150)  # late fonts and map tiles in the shots
                    for width, height in SIZES if full else SIZES[:1]:
                        if (width, height) != SIZES[0]:
                            page.set_viewport_size({"width": width, "height": height})
                            page.wait_for_timeout(120)
                        for problem in page.evaluate(LAYOUT_JS):
                            failures.append(f"{where} @{width}: {problem}")
                        if full:
                            shot = SHOTS / role / f"{slug(path)}-{width}x{height}.png"
                            shot.parent.mkdir(parents=True, exist_ok=True)
                            page.screenshot(path=str(shot))
                    text = page.evaluate(VISIBLE_TEXT_JS)
                    failures += [f"{where}: {e}" for e in english_in(text)]
                    if route not in contrast_checked:
                        contrast_checked.add(route)
                        result = axe.run(
                            page,
                            options={"runOnly": {"type": "rule", "values": ["color-contrast"]}},
                        )
                        for violation in result.response["violations"]:
                            for node in violation["nodes"][:4]:
                                failures.append(
                                    f"{where}: contrast {node['target']} "
                                    f"{node.get('any', [{}])[0].get('message', '')[:160]}"
                                )
                    failures += [f"{where}: {p}" for p in problems]
                    for href in page.eval_on_selector_all(
                        "a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
                    ):
                        target = urlsplit(href).path
                        target_route = route_of(target)
                        if target_route and target_route not in seen_routes:
                            queue.append(target)
                    timings.append((time.monotonic() - page_started, where))
                context.close()
                SHOTS.mkdir(parents=True, exist_ok=True)
                (SHOTS / "failures.txt").write_text("\n".join(sorted(set(failures))))
    elapsed = time.monotonic() - started
    print(f"all pages: {len(visited_routes)} routes, {len(timings)} pages, {elapsed:.0f} s")
    for seconds, where in sorted(timings, reverse=True)[:12]:
        print(f"  {seconds:5.1f} s {where}")
    assert len(visited_routes) >= 25, sorted(visited_routes)
    assert not failures, "\n".join(sorted(set(failures)))


def _pop_a_call(page) -> None:
    """The 112 console with a screen-pop open: a manual call (Alt+M, number, Enter)."""
    if not page.locator("#manual-number").count():
        return
    page.keyboard.press("Alt+m")
    page.keyboard.type("081298760112")
    page.keyboard.press("Enter")
    page.wait_for_selector("#pop:not([hidden])", timeout=10000)
    page.wait_for_timeout(300)


def test_pages_are_found_from_the_resolver():
    """The discovery itself: pages of every mounted module, none of the skipped ones."""
    paths = parameterless_routes()
    assert "/" in paths and "/peta/" in paths
    assert not [p for p in paths if p.startswith(("/api/", "/admin/"))]
    assert english_in("Tinggi muka air 120 cm") == []
    assert english_in("processing: 9")
    assert english_in("currentLevel 12")
    assert english_in("target 14400 dtk")
    assert english_in("Kota Kota Serang")
