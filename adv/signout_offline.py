"""Signing out with no signal (the phone is handed over on the bus): what
does the person see, and is anything of hers left for the next one?"""

from common import BASE, cache_dump, save_course, sign_in
from playwright.sync_api import sync_playwright

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, "integrante")
    page.goto(BASE + "/cursos/que-es-un-cococi/")
    lessons = save_course(page, "/cursos/democracia-participativa-y-directa/")
    page.goto(BASE + "/cuenta/salir/")
    ctx.set_offline(True)
    try:
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    except Exception as error:
        print("error:", error)
    print(
        "after sign-out offline:",
        page.url,
        "|",
        page.title(),
        "|",
        page.locator("body").inner_text()[:200].replace("\n", " | "),
    )
    page.goto(BASE + lessons[0])
    print("next person, offline, opens her lesson:", page.title())
    ctx.set_offline(False)
    page.goto(BASE + "/")
    page.wait_for_timeout(1000)
    print(
        "online again: still signed in?",
        page.locator("meta[name=cococi-dueno]").count() == 1,
    )
    print(list(cache_dump(page)))
    browser.close()
