"""Members studying at the same time, for `manage.py bench_load` (locust).

Each simulated member is signed in (a session prepared by the command, whose
plan file is named by BENCH_LOAD_PLAN) and, with no pause between requests,
reads lessons of their course, opens /mi-formacion/ and marks the lessons as
studied one after the other (a POST with its CSRF token), which completes the
course and has the worker issue its constancia. The cookies are sent as the command made
them: the production settings mark them Secure, which a client speaking plain
HTTP to 127.0.0.1 would otherwise refuse to send back.
"""

import json
import os
import random
from http.cookiejar import DefaultCookiePolicy

from locust import HttpUser, constant, task

with open(os.environ["BENCH_LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
MEMBERS = iter(PLAN["members"] * 100)


class Member(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        member = next(MEMBERS)
        self.lessons = member["lessons"]
        self.csrf = member["csrf"]
        self.next_to_study = 0
        # Keep no cookie from the server; send the prepared ones on every request.
        self.client.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.client.headers["Cookie"] = member["cookie"]

    @task(5)
    def lesson(self):
        self.client.get(random.choice(self.lessons), name="lesson page (signed in)")

    @task(2)
    def my_formation(self):
        self.client.get("/mi-formacion/", name="/mi-formacion/")

    @task(1)
    def complete(self):
        # In order, as a member studies: the last one completes the course.
        lesson = self.lessons[self.next_to_study % len(self.lessons)]
        self.next_to_study += 1
        with self.client.post(
            lesson + "completar/",
            data={"csrfmiddlewaretoken": self.csrf},
            headers={"Referer": self.host + lesson},
            allow_redirects=False,
            name="lesson completion (POST)",
            catch_response=True,
        ) as response:
            # Done: back to the course or on to the next lesson, never to sign in.
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/cuenta/" in location:
                response.failure(f"HTTP {response.status_code} → {location}")
