"""Accessibility of the new UI with axe-core (all impacts), plus what a
screen reader is told: the save box before/after saving, /mi-formacion/ with
a saved course, the offline page offline, a lesson after marking it offline.
Also the no-JavaScript journey: nothing of the feature shows or gets in the way."""

from pathlib import Path

from common import BASE, first_course, save_course, sign_in
from playwright.sync_api import sync_playwright

AXE = Path("/tmp/axe/package/axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def audit(page, label):
    page.add_script_tag(content=AXE)
    res = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    print(f"== {label}: {len(res['violations'])} violations")
    for v in res["violations"]:
        for n in v["nodes"]:
            print(f"   {v['id']} ({v['impact']}): {' '.join(n['target'])}")


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium")
    ctx = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    sign_in(page, "integrante")
    course = [c for c in first_course(page) if "democracia" in c][0]
    page.goto(BASE + course)
    page.locator("[data-save]").wait_for(state="visible")
    audit(page, "course page, save box")
    lessons = save_course(page, course)
    print(
        "status text:",
        page.locator("[data-status]").inner_text(),
        "| button:",
        page.locator("[data-save]").inner_text(),
    )
    print(
        "progress visible after:",
        page.locator("[data-save-course] progress").is_visible(),
    )
    audit(page, "course page, saved")
    page.goto(BASE + "/mi-formacion/")
    page.locator("[data-saved-list] li").first.wait_for()
    print(
        "saved list:",
        page.locator("[data-saved-list]").inner_text().replace("\n", " | "),
    )
    print(
        "remove button name:",
        page.locator("[data-saved-list] button").first.get_attribute("aria-label"),
    )
    audit(page, "/mi-formacion/ with saved list")
    ctx.set_offline(True)
    page.goto(BASE + "/consejos/")
    page.wait_for_timeout(800)
    audit(page, "offline page")
    page.goto(BASE + lessons[2])
    page.click("form[action$='completar/'] button")
    page.wait_for_load_state()
    page.wait_for_timeout(800)
    print("note after offline mark:", page.locator("[data-offline-note]").inner_text())
    audit(page, "lesson marked offline")
    ctx.set_offline(False)
    page.goto(BASE + "/mi-formacion/")
    page.wait_for_timeout(3000)
    print(
        "note after sending:",
        page.locator("[data-offline-note]").inner_text()
        if page.locator("[data-offline-note]").is_visible()
        else None,
    )

    # Without JavaScript
    nojs = browser.new_context(java_script_enabled=False)
    q = nojs.new_page()
    sign_in(q, "integrante")
    q.goto(BASE + course)
    print(
        "no-JS: save box visible:",
        q.locator("[data-save-course]").is_visible(),
        "| saved section visible on /mi-formacion/:",
        end=" ",
    )
    q.goto(BASE + "/mi-formacion/")
    print(q.locator("section[aria-labelledby=guardados]").is_visible())
    q.goto(BASE + lessons[3])
    form = q.locator("form[action$='autoevaluacion/']")
    for fs in form.locator("fieldset").all():
        fs.locator("input").first.check()
    form.locator("button[type=submit]").click()
    q.wait_for_load_state()
    print(
        "no-JS quiz answered:",
        q.url,
        q.locator("main").inner_text()[:160].replace("\n", " "),
    )
    q.goto(BASE + "/cuenta/salir/")
    q.click("main form button[type=submit]")
    print("no-JS sign-out:", q.url)
    browser.close()
