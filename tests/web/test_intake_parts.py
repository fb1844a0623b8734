"""The intake's parts on a clock the test turns: a challenge expires and is used once; a bucket refills."""

from __future__ import annotations

import pytest

from desktop.services.hq.intake.auth import Challenges, Refused, Sessions
from desktop.services.hq.intake.limits import Limiter, TooMany, safe_name
from desktop.services.hq.intake.settings import Rate
from desktop.services.sync.online import normal_origin, parse_challenge
from models.errors import ValidationError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_challenge_expires_and_is_good_once() -> None:
    clock = Clock()
    challenges = Challenges(300, clock)
    late, once = challenges.issue(), challenges.issue()
    challenges.take(once)
    with pytest.raises(Refused, match="已经用过"):
        challenges.take(once)
    clock.now += 301
    with pytest.raises(Refused, match="已过期"):
        challenges.take(late)


def test_a_session_ends_after_its_time() -> None:
    clock = Clock()
    sessions = Sessions(60, clock)
    opened = sessions.open("330106001")
    assert sessions.get(opened.token) == opened
    clock.now += 61
    assert sessions.get(opened.token) is None


def test_a_bucket_refuses_when_empty_and_refills() -> None:
    clock = Clock()
    limiter = Limiter(Rate(2, 60.0), clock)
    limiter.take("a")
    limiter.take("a")
    with pytest.raises(TooMany) as refused:
        limiter.take("a")
    assert refused.value.wait == pytest.approx(30.0)
    limiter.take("b")  # another key has its own bucket
    clock.now += 30
    limiter.take("a")


def test_origins_and_names() -> None:
    assert normal_origin("HTTP://Example.CN:80/path") == "http://example.cn"
    assert normal_origin("https://hq.example.cn:8443") == "https://hq.example.cn:8443"
    for bad in ("ftp://x", "http://user@x", "x"):
        with pytest.raises(ValidationError):
            normal_origin(bad)
    assert parse_challenge(" " + "n" * 20 + "@http://127.0.0.1:8080 ") == ("n" * 20, "http://127.0.0.1:8080")
    assert safe_name("../../etc/passwd", "x.dsync") == "passwd"
    assert safe_name("包.dsync", "x.dsync") == "x.dsync"
