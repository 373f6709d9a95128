"""Running wrk (https://github.com/wg/wrk) and reading its report, for
``manage.py bench_pages``.

Only what the report prints with ``--latency`` is read: requests per second,
the latency percentiles of its "Latency Distribution", the responses that were
not 2xx or 3xx and the socket errors (connect, read, write, timeout).
"""

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field

# wrk prints durations with these units (src/units.c).
_TIME_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
# Slow pages under 16 connections on a small machine can pass wrk's 2 s default.
TIMEOUT = "10s"


class WrkError(RuntimeError):
    pass


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    latency: dict = field(default_factory=dict)  # {"50": seconds, ...}
    non_2xx_3xx: int = 0
    socket_errors: dict = field(default_factory=dict)

    @property
    def p50(self):
        return self.latency.get("50")

    @property
    def p99(self):
        return self.latency.get("99")

    @property
    def errors(self):
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    def as_dict(self):
        return {**asdict(self), "errors": self.errors}


def executable():
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk is not installed (apt-get install wrk).")
    return path


def version():
    """wrk's first line of ``-v`` (it exits 1 after printing it)."""
    completed = subprocess.run(
        [executable(), "-v"], capture_output=True, text=True, check=False
    )
    first = (completed.stdout or completed.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "wrk"


def command(url, *, connections, seconds, headers=()):
    threads = min(2, connections)
    line = [
        executable(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        TIMEOUT,
        "--latency",
    ]
    for header in headers:
        line += ["-H", header]
    return [*line, url]


def run(url, *, connections, seconds, headers=(), save_to=None):
    """Run wrk against ``url``; returns (WrkResult, the report's text)."""
    line = command(url, connections=connections, seconds=seconds, headers=headers)
    completed = subprocess.run(
        line, capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    text = completed.stdout + completed.stderr
    if save_to is not None:
        # The cookie is a live session: keep the report, not the header.
        shown = [
            part if not part.startswith("Cookie:") else "Cookie: …" for part in line
        ]
        save_to.write_text("$ " + " ".join(shown) + "\n" + text)
    if completed.returncode != 0:
        raise WrkError(f"wrk exited with {completed.returncode}: {text.strip()}")
    return parse(text), text


def seconds_of(text):
    """``"1.23ms"`` → 0.00123."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not found:
        raise WrkError(f"Unreadable duration in wrk's report: {text!r}")
    return float(found.group(1)) * _TIME_UNITS[found.group(2)]


def parse(text):
    result = WrkResult()
    found = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", text, flags=re.M)
    if not found:
        raise WrkError(f"No request count in wrk's report:\n{text}")
    result.requests = int(found.group(1))
    result.seconds = seconds_of(found.group(2))
    found = re.search(r"^Requests/sec:\s*([\d.]+)", text, flags=re.M)
    if not found:
        raise WrkError(f"No Requests/sec in wrk's report:\n{text}")
    result.rps = float(found.group(1))
    distribution = text.split("Latency Distribution", 1)
    # With no response at all wrk prints 0.00us everywhere: no latency known.
    if result.requests and len(distribution) == 2:
        for percent, duration in re.findall(
            r"^\s*(\d+)%\s+([\d.]+(?:us|ms|s|m|h))\s*$", distribution[1], flags=re.M
        ):
            result.latency[percent] = seconds_of(duration)
    found = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    if found:
        result.non_2xx_3xx = int(found.group(1))
    found = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if found:
        result.socket_errors = dict(
            zip(
                ("connect", "read", "write", "timeout"),
                map(int, found.groups()),
                strict=True,
            )
        )
    return result
