"""HQ's intake page (数据接收页, docs/intake.md): ``doorstep hq serve`` — a small web page where a
station online now and then signs in with its key pair, uploads its package and downloads its reply.

Starlette (the app) on uvicorn (the server); the package goes through the same bounded reader and
HQ's import as a package from a USB stick.

- ``settings``: what the server is told (database, folder, origin, caps);
- ``auth``: single-use challenges, checking a station's signed answer, sessions;
- ``limits``: token buckets per station and per client address, the capped upload;
- ``log``: the access log (who, when, what, result; no personal data);
- ``apply``: applying an upload and writing the reply;
- ``pages``: the Chinese HTML;
- ``app``: the routes; ``server``: uvicorn on a bound socket.
"""
