"""Helpers for the adversarial journeys of issue #23 (offline study)."""

import os
import sqlite3

BASE = os.environ.get("BASE", "http://127.0.0.1:8047")
DB = os.path.join(os.path.dirname(__file__), "..", "db.sqlite3")


def sign_in(page, username, password="cococi-demo"):
    page.goto(BASE + "/cuenta/entrar/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def sign_out(page):
    page.goto(BASE + "/cuenta/salir/")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def cache_names(page):
    return page.evaluate("caches.keys()")


def cache_dump(page):
    return page.evaluate(
        """async () => { const out = {}; for (const n of await caches.keys()) {
        const c = await caches.open(n); out[n] = (await c.keys()).map(r => new URL(r.url).pathname); }
        return out; }"""
    )


def db(sql, *args):
    con = sqlite3.connect(DB)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def save_course(page, course):
    page.goto(BASE + course)
    page.locator("[data-save]").wait_for(state="visible", timeout=10000)
    page.click("[data-save]")
    page.locator("[data-status]", has_text="Guardado en").wait_for(timeout=20000)
    return page.eval_on_selector_all(
        ".lesson-list a", "els => els.map(e => e.getAttribute('href'))"
    )


def first_course(page):
    page.goto(BASE + "/mi-formacion/")
    return page.eval_on_selector_all(
        "section[aria-labelledby=en-curso] a",
        "els => els.map(e => e.getAttribute('href'))",
    )
