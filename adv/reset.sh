#!/bin/sh
# Fresh demo database and server on 127.0.0.1:8047 (kills only the server it started).
cd "$(dirname "$0")/.." || exit 1
unset DATABASE_URL REDIS_URL
export DJANGO_SETTINGS_MODULE=cococi_site.settings.dev
[ -f /tmp/adv-server.pid ] && kill "$(cat /tmp/adv-server.pid)" 2>/dev/null
sleep 1
rm -f db.sqlite3
.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_demo >/dev/null 2>&1
nohup .venv/bin/python manage.py runserver --noreload 127.0.0.1:8047 > /tmp/adv-server.log 2>&1 &
echo $! > /tmp/adv-server.pid
sleep 4
curl -s -o /dev/null -w "server %{http_code}\n" http://127.0.0.1:8047/
