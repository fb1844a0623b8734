"""uvicorn serving the intake app on a socket bound here (so ``--bind 127.0.0.1:0`` picks a free port
and the address it got is printed before the first request)."""

from __future__ import annotations

import socket
from collections.abc import Callable

from desktop.services.sync.online import normal_origin
from models.errors import ValidationError


def parse_bind(text: str) -> tuple[str, int]:
    host, colon, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        raise ValidationError("--bind", text, f"监听地址“{text}”不对：应形如 127.0.0.1:8080")
    return host, int(port)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ValidationError(
            "--bind", f"{host}:{port}", f"无法监听 {host}:{port}：{error.strerror}"
        ) from error
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def origin_of(sock: socket.socket, given: str | None) -> str:
    if given:
        return normal_origin(given)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return normal_origin(f"http://{shown}:{port}")


def run(app: object, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    import uvicorn

    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        http="h11",
        loop="asyncio",
        lifespan="off",
        access_log=False,  # the intake writes its own (who, what, result), without personal data
        log_level="warning",
        server_header=False,
        proxy_headers=False,  # a client's address is the connection's, never a header's claim
        timeout_keep_alive=5,
        limit_concurrency=64,
        h11_max_incomplete_event_size=16 * 1024,
    )
    server = uvicorn.Server(config)
    on_ready()
    server.run(sockets=[sock])
