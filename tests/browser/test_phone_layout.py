"""Phone first: at 390 px wide no public or citizen page scrolls sideways, and no element is
wider than the screen or reaches past its right edge (a table spilling out of its card, a
button outside it).

The pages are not listed by hand: every page without parameters in the URL conf is opened
(as the public, then as a citizen; the ones that answer that persona are checked), and every
link those pages show is followed (deployment entries, receipts, requests, complaints…), so a
page added later is covered as soon as it is reachable.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NOT_PAGES = ("api/", "admin/", "healthz", "metrics", "logout/", "static/", "media/")
# Links that start something rather than show a page (downloads, state changes by GET).
NOT_FOLLOWED = ("/evidence", "/download", "/logout", "/api/", "/admin/", "/metrics", "/healthz")
PER_URL_NAME = 2  # detail pages of one kind look alike: two of each are enough
MAX_PAGES = 80

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  const scrolledInside = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".visually-hidden, .skip-link")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    if ((box.width > width + 0.5 || box.right > width + 0.5) && !scrolledInside(el)) {
      const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 50);
      found.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ` +
                 `${Math.round(box.left)}..${Math.round(box.right)}px: ${text}`);
    }
  }
  return found.slice(0, 6);
}"""


def _routes(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


def parameterless_pages() -> list[str]:
    return sorted({path for path in _routes(get_resolver().url_patterns)
                   if not path.lstrip("/").startswith(NOT_PAGES)})


def _url_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def check_pages(page, live_server, start: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Open `start` and every same-site link they lead to (bounded); return the pages that
    answered as HTML for this persona, and the overflow found on each."""
    host = urlsplit(live_server.url).netloc
    queue, seen, per_name = list(start), set(), {}
    checked, problems = [], {}
    while queue and len(checked) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name = _url_name(path)
        if not name or per_name.get(name, 0) >= PER_URL_NAME:
            continue
        # Ask first (same cookies, no redirects followed): only pages that answer this
        # persona with HTML are opened; a redirect to sign in is not this persona's page.
        answer = page.context.request.get(live_server.url + path, max_redirects=0)
        if answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        page.goto(path)
        per_name[name] = per_name.get(name, 0) + 1
        checked.append(path)
        found = page.evaluate(OVERFLOW_JS)
        if found:
            problems[path] = found
        for href in page.eval_on_selector_all("main a[href], nav a[href]",
                                              "links => links.map(a => a.href)"):
            link = urlsplit(href)
            if link.netloc == host and not any(bad in link.path for bad in NOT_FOLLOWED):
                queue.append(link.path)
    return checked, problems


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_no_public_page_is_wider_than_a_phone(phone, live_server, demo):
    from django.urls import reverse

    from governance.navigation import nav_for
    from governance.permissions import Persona

    checked, problems = check_pages(phone, live_server, parameterless_pages())
    assert problems == {}
    expected = {reverse(item.url_name) for item in nav_for(Persona.ANONYMOUS)}
    expected |= {reverse("register"), reverse("login"), reverse("signup")}
    assert expected <= set(checked)
    assert any(p.startswith("/register/") and p.rstrip("/").split("/")[-1].isdigit()
               for p in checked)  # a register entry, reached by its link


def test_no_citizen_page_is_wider_than_a_phone(phone, live_server, demo):
    from django.urls import reverse

    from governance.navigation import nav_for
    from governance.permissions import Persona

    sign_in(phone, "alice")
    phone.wait_for_url("**/citizen/")
    citizen_pages = [p for p in parameterless_pages()
                     if p.startswith(("/citizen/", "/me/", "/notifications/", "/account/"))]
    checked, problems = check_pages(phone, live_server, citizen_pages)
    assert problems == {}
    assert {reverse(item.url_name) for item in nav_for(Persona.CITIZEN)} <= set(checked)


def test_a_tip_status_page_with_its_messages_fits_a_phone(phone, live_server, demo):
    from complaints.demo import _receipt_path

    receipt = _receipt_path().read_text().strip()
    phone.goto("/tips/status/")
    phone.get_by_label("Your 16-digit receipt").fill(receipt)
    phone.get_by_label("Your 16-digit receipt").press("Enter")
    expect(phone.get_by_role("heading", name="Messages")).to_be_visible()  # the tip opened
    assert phone.evaluate(OVERFLOW_JS) == []
