"""A signed-in requests session and the owner key, for forged sync requests."""

import re

import requests
from common import BASE


def session(username, password="cococi-demo"):
    s = requests.Session()
    r = s.get(BASE + "/cuenta/entrar/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    r = s.post(
        BASE + "/cuenta/entrar/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": BASE + "/cuenta/entrar/"},
    )
    r = s.get(BASE + "/mi-formacion/")
    s.owner = r.headers.get("X-Cococi-Dueno")
    s.csrf = re.search(r'name="cococi-csrf" content="([^"]+)"', r.text).group(1)
    return s


def send(s, items, owner=None, csrf=True):
    headers = {"Content-Type": "application/json", "Referer": BASE + "/"}
    if csrf:
        headers["X-CSRFToken"] = s.csrf
    import json

    return s.post(
        BASE + "/mi-formacion/sin-conexion/enviar/",
        data=json.dumps({"owner": owner or s.owner, "items": items}),
        headers=headers,
    )
