"""A public lesson showing an image of a private collection: can a member
save the course? What is left on the phone after the failure?"""

from common import BASE, cache_dump, sign_in
from playwright.sync_api import sync_playwright

COURSE = "/cursos/democracia-participativa-y-directa/"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, "integrante")
    page.goto(BASE + COURSE)
    page.locator("[data-save]").wait_for(state="visible")
    print("caches after merely visiting the course page:", cache_dump(page))
    page.click("[data-save]")
    page.wait_for_timeout(5000)
    print("status:", page.locator("[data-status]").inner_text())
    print("caches after the failed save:", cache_dump(page))
    page.goto(BASE + "/mi-formacion/")
    page.wait_for_timeout(1000)
    print(
        "/mi-formacion/ saved list:",
        repr(page.locator("[data-saved-list]").inner_text()),
    )
    ctx.set_offline(True)
    page.goto(BASE + COURSE + "el-pueblo-manda-articulo-39/")
    print("offline, lesson of the unsaved course opens:", page.title())
    browser.close()
