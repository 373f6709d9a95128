"""What a phone downloads through the production edge (nginx in front of
gunicorn, ``deploy/nginx/``): each key page's bytes as sent uncompressed,
gzipped and brotli-compressed, and a repeat visit's (a 304 with its headers).

Measured against a running site (``manage.py bench_edge --url …``), set up as
docs/deploy.md says, or as ``tests/integration/test_behind_nginx.py`` starts it."""

from urllib.parse import urlsplit

import requests

ENCODINGS = ("identity", "gzip", "br")


def _first_lesson(session, base):
    answer = session.get(
        f"{base}/api/v2/pages/?type=courses.LessonPage&limit=1",
        timeout=10,
        verify=session.verify,
    )
    answer.raise_for_status()
    return urlsplit(answer.json()["items"][0]["meta"]["html_url"]).path


def _sent(session, url, encoding, etag=None):
    headers = {"Accept-Encoding": encoding}
    if etag:
        headers["If-None-Match"] = etag
    # ``verify`` given each time: requests lets an environment's CA bundle
    # override the session's.
    response = session.get(
        url, headers=headers, stream=True, timeout=10, verify=session.verify
    )
    body = response.raw.read(decode_content=False)
    head = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
    return response, len(body), head


def measure(base, verify=True):
    """Rows of (address, {encoding: body bytes}, 304 bytes with headers)."""
    base = base.rstrip("/")
    session = requests.Session()
    session.verify = verify
    addresses = [
        "/",
        "/cursos/",
        _first_lesson(session, base),
        "/api/v2/pages/?type=courses.CoursePage&fields=*",
    ]
    rows = []
    for address in addresses:
        sizes = {}
        for encoding in ENCODINGS:
            response, body, _head = _sent(session, base + address, encoding)
            response.raise_for_status()
            sizes[encoding] = body
            etag = response.headers.get("ETag")
        again = None
        if etag:
            response, body, head = _sent(session, base + address, "gzip", etag)
            if response.status_code == 304:
                again = body + head
        rows.append((address, sizes, again))
    return rows


def table(rows):
    lines = [
        "| address | uncompressed | gzip | br | repeat visit (304) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for address, sizes, again in rows:
        shown = f"`{address[:60]}`"
        repeat = f"{again:,} B" if again is not None else "—"
        lines.append(
            f"| {shown} | {sizes['identity']:,} B | {sizes['gzip']:,} B "
            f"| {sizes['br']:,} B | {repeat} |"
        )
    return "\n".join(lines)
