"""Back online: is the person told what was sent, and is each thing recorded once?"""

from common import BASE, db, first_course, save_course, sign_in
from playwright.sync_api import sync_playwright

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    msgs = []
    sign_in(page, "integrante")
    course = [c for c in first_course(page) if "democracia" in c][0]
    lessons = save_course(page, course)
    ctx.set_offline(True)
    page.goto(BASE + lessons[1])
    for fs in page.query_selector_all("form[action$='autoevaluacion/'] fieldset"):
        fs.query_selector("input").check()
    page.click("form[action$='autoevaluacion/'] button[type=submit]")
    page.wait_for_load_state()
    # answer it a second time while still offline
    page.goto(BASE + lessons[1])
    for fs in page.query_selector_all("form[action$='autoevaluacion/'] fieldset"):
        fs.query_selector_all("input")[-1].check()
    page.click("form[action$='autoevaluacion/'] button[type=submit]")
    page.wait_for_load_state()
    print(
        "offline second answer page says:",
        page.locator("main").inner_text()[:250].replace("\n", " | "),
    )
    ctx.set_offline(False)
    page.goto(BASE + "/mi-formacion/")
    for i in range(8):
        page.wait_for_timeout(1000)
        note = page.locator("[data-offline-note]")
        if note.is_visible():
            print(f"t+{i + 1}s note:", note.inner_text().replace("\n", " | "))
            break
    else:
        print("no note shown within 8 s")
    print(
        "attempts lesson 47:",
        db(
            "select score, source, created_at from courses_quizattempt where user_id=6 and lesson_id=47"
        ),
    )
    page.reload()
    page.wait_for_timeout(1500)
    print(
        "after reload note visible:", page.locator("[data-offline-note]").is_visible()
    )
    browser.close()
