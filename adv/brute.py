"""The wait between quiz attempts and guessing: every combination of answers
of a quiz sent in ONE sync request, dated back to the enrolment.

Lesson 49 of the demo ("Presupuesto participativo") asks 2 minutes between
attempts. Online, a member can try once every 2 minutes; through the sync
endpoint she can try all 27 combinations at once and pass."""

import itertools
import json
import sys
import uuid

from common import db
from session import send, session

user = sys.argv[1] if len(sys.argv) > 1 else "integrante"
LESSON = "/cursos/democracia-participativa-y-directa/presupuesto-participativo/"
s = session(user)
uid = db("select id from members_user where username=?", user)[0][0]
q = json.loads(db("select quiz from courses_lessonpage where page_ptr_id=49")[0][0])
qids = [question["id"] for question in q]
choices = [[c["id"] for c in question["value"]["choices"]] for question in q]
items = [
    {
        "key": str(uuid.uuid4()),
        "url": LESSON + "autoevaluacion/",
        "at": "2000-01-01T00:00:00Z",
        "fields": {f"q-{qid}": [cid] for qid, cid in zip(qids, combo)},
    }
    for combo in itertools.product(*choices)
]
r = send(s, items)
res = r.json()["results"]
print("status", r.status_code)
print(
    {
        st: sum(1 for x in res if x["status"] == st)
        for st in ("recorded", "already", "refused")
    }
)
print(set(x["message"] for x in res if x["status"] == "refused"))
print(
    "attempts (n, passed, first, last):",
    db(
        "select count(*), sum(passed), min(created_at), max(created_at) from courses_quizattempt where user_id=? and lesson_id=49",
        uid,
    ),
)
print(
    "completion:",
    db(
        "select completed_at, source from courses_lessoncompletion where user_id=? and lesson_id=49",
        uid,
    ),
)
