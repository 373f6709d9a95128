"""Logging filters of the site."""

import threading
import time

from django.db import InterfaceError, OperationalError

# A database outage is logged once; quiet for this long after its last error,
# the next one is a new outage.
OUTAGE_QUIET = 60.0


class DatabaseOutageOnce:
    """During a database outage every request fails with the same error and is
    answered 503 (``cococi_site.views``): the first error is logged with its
    traceback, the rest of the outage not at all (an outage of 40 s under load
    wrote 22,000 lines). Other errors pass untouched."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last = None
        self._quiet = 0

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, OperationalError | InterfaceError):
            return True
        now = time.monotonic()
        with self._lock:
            new_outage = self._last is None or now - self._last > OUTAGE_QUIET
            self._last = now
            if not new_outage:
                self._quiet += 1
                return False
            quiet, self._quiet = self._quiet, 0
        record.msg = "Database unavailable, answering 503 (%s): %s"
        record.args = (
            f"{quiet} errors of the last outage were not logged"
            if quiet
            else "further errors of this outage are not logged",
            error,
        )
        return True
