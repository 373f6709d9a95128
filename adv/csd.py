"""Sign-out: is Clear-Site-Data on the answer, does Chromium honour it, and
what is left in CacheStorage afterwards (value of /__dueno included)."""

from common import BASE, cache_dump, first_course, save_course, sign_in
from playwright.sync_api import sync_playwright

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, "integrante")
    course = [c for c in first_course(page) if "democracia" in c][0]
    save_course(page, course)
    page.evaluate("localStorage.setItem('probe', '1')")
    seen = []
    page.on(
        "response",
        lambda r: seen.append(
            (
                r.request.method,
                r.url,
                r.status,
                r.headers.get("clear-site-data"),
                r.from_service_worker,
            )
        ),
    )
    page.goto(BASE + "/cuenta/salir/")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.wait_for_timeout(1500)
    for row in seen:
        print(row)
    print(
        "localStorage probe after sign-out:",
        page.evaluate("localStorage.getItem('probe')"),
    )
    print("caches:", cache_dump(page))
    print(
        "dueno:",
        page.evaluate(
            "caches.open('cococi-meta').then(c => c.match('/__dueno')).then(r => r ? r.text() : null)"
        ),
    )
    print(
        "SW registrations:",
        page.evaluate(
            "navigator.serviceWorker.getRegistrations().then(rs => rs.length)"
        ),
    )
    browser.close()
