"""Reading wrk's report, as `make bench` does: requests/s, percentiles in any
unit, and the errors that must fail a run."""

import pytest

from bench import wrk

REPORT = """\
Running 5s test @ http://127.0.0.1:44105/cursos/bench-curso-01/leccion-1/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    89.19ms   10.64ms 126.05ms   75.51%
    Req/Sec    89.06     11.20   111.00     75.00%
  Latency Distribution
     50%   87.76ms
     75%   94.75ms
     90%  102.49ms
     99%     1.21s
  890 requests in 5.01s, 3.29MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:    177.68
Transfer/sec:    671.84KB
"""


def test_a_report_gives_throughput_percentiles_and_errors():
    result = wrk.parse(REPORT)

    assert result.requests == 890
    assert result.seconds == pytest.approx(5.01)
    assert result.rps == pytest.approx(177.68)
    assert result.p50 == pytest.approx(0.08776)
    assert result.p99 == pytest.approx(1.21)
    assert result.errors == 3 + 2 + 1


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("870.00us", 0.00087), ("4.10ms", 0.0041), ("1.5s", 1.5), ("2.00m", 120.0)],
)
def test_durations_in_every_unit(text, seconds):
    assert wrk.seconds_of(text) == pytest.approx(seconds)


def test_a_report_without_requests_is_refused():
    with pytest.raises(wrk.WrkError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")
