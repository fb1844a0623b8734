"""Signing in by the station's key pair: single-use challenges with a short expiry, the check of a
station's signed answer against the keys HQ pinned for it, and the sessions that follow."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from desktop.services.gate import service
from desktop.services.sync.online import parse_answer, sign_in_message
from desktop.sync_package import PublicKeys, verify
from models.actor import Actor
from models.database import Database
from models.errors import ValidationError
from models.permissions import Permission

MAX_OUTSTANDING = 10_000  # challenges and sessions kept at once; the oldest go first


class Refused(Exception):
    """A request refused: its Chinese message, the HTTP status, and the reason the access log keeps."""

    def __init__(self, message: str, status: int, reason: str, station: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.station = station


class Challenges:
    """Fresh random challenges, each good for one sign-in within ``seconds``."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._issued: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(24)
        with self._lock:
            self._issued[nonce] = self.clock() + self.seconds
            while len(self._issued) > MAX_OUTSTANDING:
                self._issued.popitem(last=False)
        return nonce

    def take(self, nonce: str) -> None:
        """Use up ``nonce`` (whatever the answer turns out to be), or refuse it."""
        with self._lock:
            expires = self._issued.pop(nonce, None)
        if expires is None:
            raise Refused(
                "这个挑战码无效或已经用过：每个挑战码只能登录一次。请刷新页面，用新的挑战码重新生成应答码",
                403,
                "challenge_unknown",
            )
        if self.clock() > expires:
            raise Refused(
                "这个挑战码已过期：请刷新页面，用新的挑战码重新生成应答码", 403, "challenge_expired"
            )


@dataclass(frozen=True)
class StationSession:
    token: str
    station: str
    csrf: str  # the forms' own token (the cookie is also SameSite=Strict)
    expires: float


class Sessions:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._open: OrderedDict[str, StationSession] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, station: str) -> StationSession:
        session = StationSession(
            secrets.token_urlsafe(32), station, secrets.token_urlsafe(16), self.clock() + self.seconds
        )
        with self._lock:
            self._open[session.token] = session
            while len(self._open) > MAX_OUTSTANDING:
                self._open.popitem(last=False)
        return session

    def get(self, token: str | None) -> StationSession | None:
        if not token:
            return None
        with self._lock:
            session = self._open.get(token)
            if session is not None and self.clock() > session.expires:
                del self._open[token]
                return None
        return session

    def close(self, token: str | None) -> None:
        with self._lock:
            self._open.pop(token or "", None)


@service(Permission.SYNC)
def station_may_sign_in(db: Database, actor: Actor, /, *, code: str) -> PublicKeys:
    """The station's pinned keys, or :class:`Refused` naming why it may not sign in."""
    from desktop.services.sync.node import pinned
    from models.sync.tables import STATION, SyncPeer

    with db.reading() as session:
        peer = session.get(SyncPeer, code)
        if peer is None or peer.role != STATION:
            raise Refused(f"服务站 {code} 没有在总部登记：请联系总部登记本站", 403, "unknown_station", code)
        if peer.status == "revoked":
            raise Refused(
                f"服务站 {code} 的密钥已被总部吊销，不能登录，也不能上传数据包：请联系总部",
                403,
                "revoked",
                code,
            )
        keys = pinned(peer)
        if keys is None:
            raise Refused(
                f"总部还没有服务站 {code} 的密钥：请先用U盘把本站的第一个同步包交给总部，之后才能网页登录",
                403,
                "not_pinned",
                code,
            )
        return keys


@service(Permission.SYNC)
def check_answer(
    db: Database, actor: Actor, /, *, challenges: Challenges, nonce: str, answer: str, origin: str
) -> str:
    """The station that signed ``nonce`` for this server, after using the challenge up."""
    try:
        station, signature = parse_answer(answer)
    except ValidationError as error:
        challenges.take(nonce)  # a challenge is spent by any attempt
        raise Refused(str(error), 400, "answer_malformed") from error
    challenges.take(nonce)
    keys = station_may_sign_in(db, actor, code=station)
    if not verify(keys, sign_in_message(nonce, station, origin), signature):
        raise Refused(
            f"应答码不符：它不是服务站 {station} 的密钥为这个挑战码和本总部网址（{origin}）签的名。"
            "请在本站程序里用页面上现在显示的挑战码重新生成",
            403,
            "bad_signature",
            station,
        )
    return station
