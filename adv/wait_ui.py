"""No forging: the 2-minute wait between attempts of lesson 49 is not applied
to answers given offline. Answer the quiz 3 times offline in a few seconds,
stay offline for longer than the wait, go online: all 3 are graded and stored."""

from common import BASE, db, first_course, save_course, sign_in
from playwright.sync_api import sync_playwright

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, "integrante")
    course = [c for c in first_course(page) if "democracia" in c][0]
    lessons = save_course(page, course)
    quiz = [l for l in lessons if "presupuesto" in l][0]
    before = db(
        "select count(*) from courses_quizattempt where user_id=6 and lesson_id=49"
    )[0][0]
    ctx.set_offline(True)
    for n in range(3):
        page.goto(BASE + quiz)
        for fs in page.query_selector_all("form[action$='autoevaluacion/'] fieldset"):
            fs.query_selector_all("input")[n].check()
        page.click("form[action$='autoevaluacion/'] button[type=submit]")
        page.wait_for_load_state()
    print("3 answers given offline; waiting 130 s offline (the bus ride)")
    page.wait_for_timeout(130000)
    ctx.set_offline(False)
    page.goto(BASE + "/mi-formacion/")
    page.wait_for_timeout(4000)
    rows = db(
        "select score, passed, created_at, source from courses_quizattempt where user_id=6 and lesson_id=49 order by id"
    )
    print("attempts before:", before, "after:", len(rows))
    for row in rows[before:]:
        print("  ", row)
    browser.close()
