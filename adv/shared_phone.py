"""Shared phone: member A (integrante) saves a course, goes offline, marks a
lesson studied and answers a quiz; then, WITHOUT signing out, member B
(coordinador2) signs in on the same browser. What does B see, and what
happens to A's queue? Then B signs out: what is left?"""

import sys

from common import BASE, cache_dump, db, first_course, save_course, sign_in, sign_out
from playwright.sync_api import sync_playwright

MODE = sys.argv[1] if len(sys.argv) > 1 else "switch"  # "switch" or "signout"

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: print("PAGEERROR", e))
    sign_in(page, "integrante")
    courses = first_course(page)
    course = [c for c in courses if "democracia" in c][0]
    lessons = save_course(page, course)
    print("A saved", course, len(lessons), "lessons")
    ctx.set_offline(True)
    page.goto(BASE + lessons[2])  # la consulta: no quiz
    page.click("form[action$='completar/'] button")
    page.wait_for_load_state()
    print("A offline mark:", page.url)
    page.goto(BASE + lessons[0])
    for fs in page.query_selector_all("form[action$='autoevaluacion/'] fieldset"):
        fs.query_selector("input").check()
    page.click("form[action$='autoevaluacion/'] button[type=submit]")
    page.wait_for_load_state()
    print("A offline quiz:", page.url)
    print("caches with A offline:", cache_dump(page))
    ctx.set_offline(False)
    if MODE == "signout":
        sign_out(page)
        print("after A signs out, page:", page.url)
        page.wait_for_timeout(1000)
        print("caches after sign-out:", cache_dump(page))
        print(
            "dueno after sign-out:",
            page.evaluate(
                "caches.open('cococi-meta').then(c => c.match('/__dueno')).then(r => r ? r.text() : null)"
            ),
        )
        ctx.set_offline(True)
        page.goto(BASE + lessons[1])
        print(
            "offline navigation after sign-out:",
            page.title(),
            "|",
            page.inner_text("main")[:200].replace("\n", " "),
        )
        ctx.set_offline(False)
    else:
        # A's session ends without signing out (expiry, cookies cleared).
        ctx.clear_cookies()
        page.goto(BASE + "/")
        page.wait_for_timeout(1000)
        print("caches after A's session ended (anonymous page seen):", cache_dump(page))
        ctx.set_offline(True)
        page.goto(BASE + lessons[1])
        print(
            "anonymous, offline, A's lesson:",
            page.title(),
            "| header:",
            page.locator("header.site-header").inner_text()[:150].replace("\n", " "),
        )
        page.goto(BASE + "/consejos/")
        print(
            "anonymous, offline page list:",
            page.locator("main").inner_text()[:400].replace("\n", " | "),
        )
        ctx.set_offline(False)
    sign_in(page, "coordinador2")
    print(
        "B signed in at",
        page.url,
        "name shown:",
        page.locator("header.site-header").inner_text()[:120].replace("\n", " "),
    )
    page.goto(BASE + "/mi-formacion/")
    page.wait_for_timeout(2500)
    print("caches seen by B:", cache_dump(page))
    saved = (
        page.locator("[data-saved-list]").inner_text()
        if page.locator("[data-saved-list]").count()
        else None
    )
    print("B's saved list:", repr(saved))
    note = page.locator("[data-offline-note]")
    print(
        "B's note:", note.inner_text() if note.count() and note.is_visible() else None
    )
    ctx.set_offline(True)
    page.goto(BASE + lessons[1])
    print("B offline on A's lesson:", page.title())
    ctx.set_offline(False)
    page.goto(BASE + "/mi-formacion/")
    page.wait_for_timeout(2500)
    print(
        "rows for B (4):",
        db(
            "select lesson_id, source from courses_lessoncompletion where user_id=4 and source='sin_conexion'"
        ),
        db("select lesson_id, source from courses_quizattempt where user_id=4"),
    )
    print(
        "rows for A (6):",
        db(
            "select lesson_id, source from courses_lessoncompletion where user_id=6 and source='sin_conexion'"
        ),
        db(
            "select lesson_id, source, score from courses_quizattempt where user_id=6 and source='sin_conexion'"
        ),
    )
    browser.close()
