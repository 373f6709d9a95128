"""A's session ends without signing out (expiry; here: cookies cleared) while
her offline work is still queued. Does the next person see her pages, her
name, her queue? What happens to her queued work when B signs in?"""

from common import BASE, cache_dump, db, first_course, save_course, sign_in
from playwright.sync_api import sync_playwright

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, "integrante")
    course = [c for c in first_course(page) if "democracia" in c][0]
    lessons = save_course(page, course)
    ctx.set_offline(True)
    page.goto(BASE + lessons[2])
    page.click("form[action$='completar/'] button")
    page.wait_for_load_state()
    ctx.clear_cookies()  # A's session ends while offline
    ctx.set_offline(False)
    page.goto(BASE + "/")
    page.wait_for_timeout(2500)
    print("after A's session ended, online, anonymous:", cache_dump(page))
    print(
        "result kept:",
        page.evaluate(
            "caches.open('cococi-meta').then(c => c.match('/__resultado')).then(r => r ? r.text() : null)"
        ),
    )
    ctx.set_offline(True)
    page.goto(BASE + lessons[1])
    html = page.content()
    print(
        "anonymous offline sees A's saved lesson:",
        page.title(),
        "| A's name in it:",
        "Juan" in html,
        "| A's CSRF meta:",
        'name="cococi-csrf"' in html,
    )
    page.goto(BASE + "/sin-conexion/")
    page.wait_for_timeout(800)
    print("offline page lists:", page.locator("[data-saved-list]").inner_text())
    page.goto(BASE + lessons[2])
    print(
        "queue note shown to anonymous on A's lesson:",
        page.locator("p.done").all_inner_texts(),
    )
    ctx.set_offline(False)
    sign_in(page, "coordinador2")
    page.wait_for_timeout(2500)
    print("B signed in:", cache_dump(page))
    print(
        "A's offline completion recorded?",
        db(
            "select lesson_id from courses_lessoncompletion where user_id=6 and source='sin_conexion'"
        ),
    )
    print(
        "B's offline completions:",
        db(
            "select lesson_id from courses_lessoncompletion where user_id=4 and source='sin_conexion'"
        ),
    )
    browser.close()
