"""The intake's routes (Starlette). Pages for a person at a browser, ``/api/…`` for a station's program;
both sign in by the same signed challenge and upload into the same apply.

Every request is counted against its client address; sign-ins and uploads against the station too.
Every request that does something is written to the access log with its result."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from desktop.services.hq.intake import pages
from desktop.services.hq.intake.apply import Accepted, accept, latest_reply, reply_path, station_view
from desktop.services.hq.intake.auth import (
    Challenges,
    Refused,
    Sessions,
    StationSession,
    check_answer,
    station_may_sign_in,
)
from desktop.services.hq.intake.limits import (
    FORM_OVERHEAD,
    Limiter,
    TooLarge,
    TooMany,
    Upload,
    capped,
    safe_name,
    size_words,
    wait_words,
)
from desktop.services.hq.intake.log import AccessLog
from desktop.services.hq.intake.settings import IntakeSettings
from desktop.services.sync.online import make_challenge
from models.database import Database
from models.errors import DoorstepError

log = logging.getLogger(__name__)

COOKIE = "doorstep_intake"
SMALL_BODY = 16 * 1024  # a sign-in form, a JSON request
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
Handler = Callable[[Request], Awaitable[Response]]


class Intake:
    """The server's state: its database, the challenges and sessions issued, the buckets, the log."""

    def __init__(self, settings: IntakeSettings, db: Database) -> None:
        from desktop.services.sync.hq_side import hq_actor, hq_node

        with db.reading() as session:
            node = hq_node(session)
            self.hq_code, self.hq_name = node.code, node.name or node.code
        self.settings = settings
        self.db = db
        self.actor = hq_actor(self.hq_code)
        self.challenges = Challenges(settings.challenge_seconds)
        self.sessions = Sessions(settings.session_seconds)
        self.per_address = Limiter(settings.per_address)
        self.failures = Limiter(settings.failures)
        self.per_station = Limiter(settings.per_station)
        self.log = AccessLog(settings.access_log)
        self.applying = threading.Lock()  # one apply at a time: each is one transaction on HQ's database
        settings.uploads.mkdir(parents=True, exist_ok=True)
        settings.replies.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------------------------- the wrapper
    def route(self, action: str, handler: Handler, *, api: bool = False) -> Handler:
        """``handler`` behind the address's bucket, its refusals said in Chinese, and logged."""

        async def guarded(request: Request) -> Response:
            client = request.client.host if request.client else ""
            request.state.station = ""
            request.state.detail = {}
            try:
                self.per_address.take(client)
                response = await handler(request)
                result = "ok"
            except Refused as refused:
                request.state.station = request.state.station or refused.station
                response, result = (
                    self._refusal(request, refused.message, refused.status, api),
                    refused.reason,
                )
            except TooMany as many:
                message = f"请求太频繁：请 {wait_words(many.wait)}后再试"
                response, result = self._refusal(request, message, 429, api), "too_many"
                response.headers["Retry-After"] = str(max(1, int(many.wait + 0.999)))
            except TooLarge as large:
                message = (
                    f"数据包太大：超过本接收页 {size_words(large.cap)} 的上限，没有导入。请用U盘把它交给总部"
                )
                response, result = self._refusal(request, message, 413, api), "too_large"
            except DoorstepError as error:  # the reader's and the apply's refusals: nothing was changed
                response, result = self._refusal(request, str(error), 422, api), "refused"
            except Exception:
                log.exception("intake %s failed", action)
                message = "总部接收页出错，这次操作没有完成，总部的数据没有改动：请稍后再试或联系总部"
                response, result = self._refusal(request, message, 500, api), "error"
            response.headers.update(HEADERS)
            self.log.write(
                client=client,
                station=request.state.station,
                action=action,
                result=result,
                status=response.status_code,
                **request.state.detail,
            )
            return response

        return guarded

    def _refusal(self, request: Request, message: str, status: int, api: bool) -> Response:
        if api:
            return JSONResponse({"error": message}, status_code=status)
        if request.url.path == "/sign-in":  # a fresh challenge beside the reason
            return HTMLResponse(self._sign_in_html(message), status_code=status)
        signed_in = self._session(request)
        if request.url.path == "/upload" and signed_in is not None and status in (413, 422, 429):
            return HTMLResponse(self._station_html(signed_in, message), status_code=status)
        back = "/station" if signed_in is not None else "/"
        title = "请求太频繁" if status == 429 else "未能完成"
        html = pages.message_page(hq_name=self.hq_name, title=title, message=message, back=back)
        return HTMLResponse(html, status_code=status)

    # -------------------------------------------------------------------------------------- sessions
    def _session(self, request: Request) -> StationSession | None:
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(COOKIE)
        return self.sessions.get(token)

    async def _signed_in(self, request: Request) -> StationSession:
        session = self._session(request)
        if session is None:
            raise Refused("还没有登录，或登录已过期：请重新登录", 401, "not_signed_in")
        request.state.station = session.station
        await run_in_threadpool(
            lambda: station_may_sign_in(self.db, self.actor, code=session.station)
        )  # revoked meanwhile?
        return session

    def _sign_in(self, client: str, nonce: str, answer: str) -> StationSession:
        self.failures.peek(client)
        try:
            station = check_answer(
                self.db,
                self.actor,
                challenges=self.challenges,
                nonce=nonce,
                answer=answer,
                origin=self.settings.origin,
            )
        except Refused:
            self.failures.take(client)
            raise
        self.per_station.take(station)
        return self.sessions.open(station)

    # ----------------------------------------------------------------------------------------- pages
    def _sign_in_html(self, error: str = "") -> str:
        nonce = self.challenges.issue()
        return pages.sign_in_page(
            hq_name=self.hq_name,
            challenge=make_challenge(nonce, self.settings.origin),
            nonce=nonce,
            minutes=max(1, int(self.settings.challenge_seconds // 60)),
            error=error,
        )

    def _station_html(self, session: StationSession, error: str = "") -> str:
        latest = latest_reply(self.settings.replies, session.station)
        return pages.station_page(
            hq_name=self.hq_name,
            view=station_view(self.db, self.actor, code=session.station),
            csrf=session.csrf,
            cap=self.settings.max_upload_bytes,
            latest=latest.name if latest else None,
            error=error,
        )

    async def home(self, request: Request) -> Response:
        if self._session(request) is not None:
            return RedirectResponse("/station", status_code=303)
        return HTMLResponse(self._sign_in_html())

    async def sign_in_form(self, request: Request) -> Response:
        fields = urllib.parse.parse_qs((await _small_body(request)).decode("utf-8", "replace"))
        nonce = (fields.get("challenge") or [""])[0]
        answer = (fields.get("answer") or [""])[0]
        client = request.client.host if request.client else ""
        session = await run_in_threadpool(self._sign_in, client, nonce, answer)
        request.state.station = session.station
        response = RedirectResponse("/station", status_code=303)
        response.set_cookie(
            COOKIE,
            session.token,
            max_age=int(self.settings.session_seconds),
            httponly=True,
            samesite="strict",
            secure=self.settings.secure,
        )
        return response

    async def station(self, request: Request) -> Response:
        if self._session(request) is None:
            return RedirectResponse("/", status_code=303)
        session = await self._signed_in(request)
        return HTMLResponse(await run_in_threadpool(self._station_html, session))

    async def sign_out(self, request: Request) -> Response:
        session = await self._signed_in(request)
        fields = urllib.parse.parse_qs((await _small_body(request)).decode("utf-8", "replace"))
        _check_csrf(session, (fields.get("csrf") or [""])[0])
        self.sessions.close(session.token)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    async def upload_form(self, request: Request) -> Response:
        session = await self._signed_in(request)
        self.per_station.take(session.station)
        cap = self.settings.max_upload_bytes
        _refuse_declared_size(request, cap + FORM_OVERHEAD, cap)
        parser = MultiPartParser(
            request.headers, _cap_at(request, cap + FORM_OVERHEAD, cap), max_files=1, max_fields=4
        )
        form = await parser.parse()
        try:
            _check_csrf(session, str(form.get("csrf") or ""))
            file = form.get("package")
            if not isinstance(file, UploadFile) or not file.filename:
                raise Refused("请选择要上传的同步包文件（.dsync）", 400, "no_file", session.station)
            if file.size is not None and file.size > cap:
                raise TooLarge(cap)
            accepted = await self._accept(request, session, file.filename, file)
        finally:
            await form.close()
        return HTMLResponse(pages.receipt_page(hq_name=self.hq_name, accepted=accepted))

    async def _accept(
        self, request: Request, session: StationSession, name: str | None, source: UploadFile | None
    ) -> Accepted:
        """Receive the package (from the parsed form, or streamed from the body) and apply it."""
        cap = self.settings.max_upload_bytes
        upload = Upload(self.settings.uploads, cap)
        try:
            target = upload.target(safe_name(name, f"{session.station}-upload.dsync"))
            if source is not None:
                await run_in_threadpool(_copy, source, target)
            else:
                with target.open("wb") as out:
                    await upload.receive(request.stream(), out)
            size = target.stat().st_size
            request.state.detail = {"bytes": size}
            if size > cap:
                raise TooLarge(cap)
            accepted = await run_in_threadpool(self._apply, target, session.station)
            request.state.detail = {"bytes": size, "seq": accepted.seq, "reply": accepted.reply.seq}
            return accepted
        finally:
            upload.close()

    def _apply(self, target: Any, station: str) -> Accepted:
        with self.applying:
            return accept(self.db, self.actor, path=target, station=station, replies=self.settings.replies)

    async def reply(self, request: Request) -> Response:
        session = await self._signed_in(request)
        name = str(request.path_params["name"])
        path = reply_path(self.settings.replies, session.station, name)
        if path is None:
            raise Refused(f"没有为服务站 {session.station} 写出名为 {name} 的回复包", 404, "no_reply")
        request.state.detail = {"reply": name}
        return FileResponse(path, media_type="application/octet-stream", filename=name)

    # ------------------------------------------------------------------------------------------- API
    async def api_challenge(self, request: Request) -> Response:
        nonce = self.challenges.issue()
        return JSONResponse(
            {
                "challenge": make_challenge(nonce, self.settings.origin),
                "expires_in": int(self.settings.challenge_seconds),
            }
        )

    async def api_sign_in(self, request: Request) -> Response:
        try:
            payload = json.loads(await _small_body(request))
        except ValueError as error:
            raise Refused("登录请求不是 JSON", 400, "malformed") from error
        if not isinstance(payload, dict):
            raise Refused("登录请求不是 JSON 对象", 400, "malformed")
        nonce = str(payload.get("challenge", "")).partition("@")[0]
        client = request.client.host if request.client else ""
        session = await run_in_threadpool(self._sign_in, client, nonce, str(payload.get("answer", "")))
        request.state.station = session.station
        return JSONResponse({"token": session.token, "expires_in": int(self.settings.session_seconds)})

    async def api_package(self, request: Request) -> Response:
        session = await self._signed_in(request)
        self.per_station.take(session.station)
        _refuse_declared_size(request, self.settings.max_upload_bytes, self.settings.max_upload_bytes)
        accepted = await self._accept(request, session, request.headers.get("x-package-name"), None)
        reply = accepted.reply
        return JSONResponse(
            {
                "station": accepted.station,
                "seq": accepted.seq,
                "lines": accepted.lines,
                "reply": {
                    "name": reply.name,
                    "seq": reply.seq,
                    "changes": reply.changes,
                    "url": f"/reply/{reply.name}",
                },
            }
        )

    async def not_found(self, request: Request) -> Response:
        raise Refused("没有这个页面", 404, "not_found")


def _check_csrf(session: StationSession, value: str) -> None:
    import hmac

    if not hmac.compare_digest(session.csrf, value):
        raise Refused("表单已过期：请返回上一页刷新后重试", 403, "csrf", session.station)


def _refuse_declared_size(request: Request, limit: int, cap: int) -> None:
    """Refuse before reading a body whose declared length is already over the cap."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(cap)


def _cap_at(request: Request, limit: int, cap: int) -> Any:
    async def chunks() -> Any:
        try:
            async for chunk in capped(request.stream(), limit):
                yield chunk
        except TooLarge:
            raise TooLarge(cap) from None

    return chunks()


async def _small_body(request: Request) -> bytes:
    _refuse_declared_size(request, SMALL_BODY, SMALL_BODY)
    return b"".join([chunk async for chunk in capped(request.stream(), SMALL_BODY)])


def _copy(source: UploadFile, target: Any) -> None:
    source.file.seek(0)
    with open(target, "wb") as out:
        shutil.copyfileobj(source.file, out, 64 * 1024)


def build_app(settings: IntakeSettings, db: Database) -> Starlette:
    intake = Intake(settings, db)
    r = intake.route
    routes = [
        Route("/", r("page", intake.home), methods=["GET"]),
        Route("/sign-in", r("sign_in", intake.sign_in_form), methods=["POST"]),
        Route("/station", r("page", intake.station), methods=["GET"]),
        Route("/upload", r("upload", intake.upload_form), methods=["POST"]),
        Route("/sign-out", r("sign_out", intake.sign_out), methods=["POST"]),
        Route("/reply/{name}", r("reply", intake.reply), methods=["GET"]),
        Route("/api/challenge", r("challenge", intake.api_challenge, api=True), methods=["POST"]),
        Route("/api/sign-in", r("sign_in", intake.api_sign_in, api=True), methods=["POST"]),
        Route("/api/package", r("upload", intake.api_package, api=True), methods=["PUT"]),
        Route("/{path:path}", r("not_found", intake.not_found), methods=["GET", "POST", "PUT"]),
    ]
    app = Starlette(routes=routes)
    app.state.intake = intake
    return app
