"""Forged requests to the offline sync endpoint and the course manifest.

Run against a fresh demo (see adv/README.md). Prints each case's HTTP status
and outcome; look for 500s and for things recorded that should not be."""

import itertools
import json
import uuid

import requests
from common import BASE, db
from session import send, session

LESSON_QUIZ = "/cursos/democracia-participativa-y-directa/presupuesto-participativo/"  # id 49, wait 2 min
LESSON_PLAIN = "/cursos/democracia-participativa-y-directa/la-consulta-y-los-mecanismos-de-participacion/"  # id 48
LESSON_OTHER_COURSE = (
    "/cursos/cuidado-de-la-madre-naturaleza/la-milpa-y-la-soberania-alimentaria/"  # 68
)


def key():
    return str(uuid.uuid4())


def show(label, r):
    try:
        body = r.json()
    except ValueError:
        body = r.text[:200]
    print(
        f"--- {label}: {r.status_code}\n    {json.dumps(body, ensure_ascii=False)[:600]}"
    )


a = session("integrante")
b = session("coordinador2")

# 1. Another person's owner key
show("A's queue sent with B's owner key by A", send(a, [], owner=b.owner))
# 2. Missing CSRF
show(
    "no CSRF header",
    send(
        a,
        [
            {
                "key": key(),
                "url": LESSON_PLAIN + "completar/",
                "at": "2026-01-01T00:00:00Z",
            }
        ],
        csrf=False,
    ),
)
# 3. Expired session (anonymous)
anon = requests.Session()
r = anon.post(
    BASE + "/mi-formacion/sin-conexion/enviar/",
    data="{}",
    headers={"Content-Type": "application/json"},
)
show("anonymous, no csrf", r)
# 4. Wrong JSON types
for label, body in [
    ("items not list", {"owner": a.owner, "items": "x"}),
    ("payload list", [1, 2]),
    ("item not dict", {"owner": a.owner, "items": [1, None, "x", []]}),
    (
        "key int",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": 12345678,
                    "url": LESSON_PLAIN + "completar/",
                    "at": "2026-01-01",
                }
            ],
        },
    ),
    (
        "url list",
        {"owner": a.owner, "items": [{"key": key(), "url": [1], "at": "2026-01-01"}]},
    ),
    (
        "at int",
        {
            "owner": a.owner,
            "items": [{"key": key(), "url": LESSON_PLAIN + "completar/", "at": 5}],
        },
    ),
    (
        "fields list",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": LESSON_QUIZ + "autoevaluacion/",
                    "at": "2026-01-01",
                    "fields": [1],
                }
            ],
        },
    ),
    (
        "fields nested",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": LESSON_QUIZ + "autoevaluacion/",
                    "at": "2026-01-01",
                    "fields": {"q-x": {"a": 1}},
                }
            ],
        },
    ),
    (
        "at weird tz",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": LESSON_PLAIN + "completar/",
                    "at": "0001-01-01T00:00:00+23:59",
                }
            ],
        },
    ),
    (
        "at far future",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": LESSON_PLAIN + "completar/",
                    "at": "9999-12-31T23:59:59-23:59",
                }
            ],
        },
    ),
    (
        "at invalid date",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": LESSON_PLAIN + "completar/",
                    "at": "2026-02-30T00:00:00",
                }
            ],
        },
    ),
    (
        "url unknown lesson",
        {
            "owner": a.owner,
            "items": [
                {"key": key(), "url": "/cursos/nada/completar/", "at": "2026-01-01"}
            ],
        },
    ),
    (
        "url absolute",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": BASE + LESSON_PLAIN + "completar/",
                    "at": "2026-01-01",
                }
            ],
        },
    ),
    (
        "url course page completar",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": "/cursos/democracia-participativa-y-directa/completar/",
                    "at": "2026-01-01",
                }
            ],
        },
    ),
    (
        "url double slash",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": key(),
                    "url": "//" + LESSON_PLAIN.lstrip("/") + "completar/",
                    "at": "2026-01-01",
                }
            ],
        },
    ),
    (
        "complete a quiz lesson",
        {
            "owner": a.owner,
            "items": [
                {"key": key(), "url": LESSON_QUIZ + "completar/", "at": "2026-01-01"}
            ],
        },
    ),
    (
        "key with unicode",
        {
            "owner": a.owner,
            "items": [
                {
                    "key": "é" * 10,
                    "url": LESSON_PLAIN + "completar/",
                    "at": "2026-01-01",
                }
            ],
        },
    ),
]:
    r = a.post(
        BASE + "/mi-formacion/sin-conexion/enviar/",
        data=json.dumps(body),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": a.csrf,
            "Referer": BASE + "/",
        },
    )
    show(label, r)

# 5. Body not JSON / not UTF-8 / huge
for label, data in [
    ("not json", b"{"),
    ("latin1", b'{"owner": "\xff"}'),
    ("deep nesting", b"[" * 100000 + b"]" * 100000),
]:
    r = a.post(
        BASE + "/mi-formacion/sin-conexion/enviar/",
        data=data,
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": a.csrf,
            "Referer": BASE + "/",
        },
    )
    show(label, r)
items = [
    {"key": key(), "url": LESSON_PLAIN + "completar/", "at": "2026-01-01"}
    for _ in range(10000)
]
show("10,000 items (body > 256 KB)", send(a, items))
items = [
    {"key": key(), "url": "/" + "x" * 400 + "/completar/", "at": "2026-01-01"}
    for _ in range(500)
]
show("500 items under 256 KB", send(a, items))

# 6. Lesson of a course one is not enrolled in, with a date before enrolment
k = key()
show(
    "other course, date 2000",
    send(
        a,
        [
            {
                "key": k,
                "url": LESSON_OTHER_COURSE + "completar/",
                "at": "2000-01-01T00:00:00Z",
            }
        ],
    ),
)
print(
    "   completion row:",
    db(
        "select completed_at, source from courses_lessoncompletion where user_id=6 and lesson_id=68"
    ),
)
print(
    "   enrolled_at:",
    db("select enrolled_at from courses_enrollment where user_id=6 and course_id=65"),
)

# 7. Wait bypass & brute force: lesson 49 has a 2-minute wait between attempts.
q = json.loads(db("select quiz from courses_lessonpage where page_ptr_id=49")[0][0])
qids = [question["id"] for question in q]
choices = [[c["id"] for c in question["value"]["choices"]] for question in q]
combos = list(itertools.product(*choices))
print("combinations:", len(combos))
items = [
    {
        "key": key(),
        "url": LESSON_QUIZ + "autoevaluacion/",
        "at": "2000-01-01T00:00:00Z",
        "fields": {f"q-{qid}": [cid] for qid, cid in zip(qids, combo)},
    }
    for combo in combos
]
r = send(a, items)
res = r.json()["results"]
print(
    "--- brute force in one request:",
    r.status_code,
    {
        s: sum(1 for x in res if x["status"] == s)
        for s in ("recorded", "already", "refused")
    },
)
print(
    "   attempts:",
    db(
        "select count(*), sum(passed), min(created_at), max(created_at) from courses_quizattempt where user_id=6 and lesson_id=49"
    ),
)
print(
    "   completion:",
    db(
        "select completed_at, source from courses_lessoncompletion where user_id=6 and lesson_id=49"
    ),
)

# 8. Replay: the same item again
show("replay of first item", send(a, items[:1]))
# 9. Same client key, other person (B)
show("B sends A's client key", send(b, [dict(items[0])]))
