"""The intake's pages: plain HTML in Chinese with a little CSS, no script and no external asset."""

from __future__ import annotations

from datetime import datetime
from html import escape

from desktop.services.hq.intake.apply import Accepted, StationView
from desktop.services.hq.intake.limits import size_words
from models.clock import to_china

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;background:#f4f6f8;
color:#1f2933;margin:0}
header{background:#1e5aa8;color:#fff;padding:14px 24px}header h1{font-size:20px;margin:0}
header p{margin:4px 0 0;font-size:13px;opacity:.85}
main{max-width:760px;margin:24px auto;padding:0 16px}
section{background:#fff;border:1px solid #d9dee3;border-radius:6px;padding:16px 20px;margin-bottom:16px}
h2{font-size:16px;margin:0 0 10px}p,li{line-height:1.7}
.challenge{font-family:monospace;font-size:15px;width:100%;box-sizing:border-box;padding:8px;
background:#f0f4fa;border:1px solid #b8c7dc;border-radius:4px}
textarea{width:100%;box-sizing:border-box;font-family:monospace;padding:8px}
button,.button{background:#1e5aa8;color:#fff;border:0;border-radius:4px;padding:8px 18px;font-size:15px;
text-decoration:none;display:inline-block;cursor:pointer}
.secondary{background:#fff;color:#1e5aa8;border:1px solid #1e5aa8}
.error{border-color:#d64545;background:#fdf1f1}.error h2{color:#b42318}
.ok{border-color:#2f9e44;background:#f1faf3}.ok h2{color:#247a35}
.muted{color:#5f6b7a;font-size:13px}
"""


def long_date(moment: datetime) -> str:
    local = to_china(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def layout(title: str, body: str, *, hq_name: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - 总部数据接收页</title><style>{STYLE}</style></head><body>"
        f"<header><h1>总部数据接收页</h1><p>{escape(hq_name)}：服务站在此上传同步包、下载总部的回复包</p>"
        f"</header><main>{body}</main></body></html>"
    )


def error_box(message: str, title: str = "未能完成") -> str:
    return f'<section class="error" role="alert"><h2>{escape(title)}</h2><p>{escape(message)}</p></section>'


def sign_in_page(*, hq_name: str, challenge: str, nonce: str, minutes: int, error: str = "") -> str:
    body = (error_box(error, "登录未成功") if error else "") + (
        "<section><h2>第一步：在本站程序里生成应答码</h2>"
        "<p>在服务站程序的“数据同步”页点“网页登录…”，把下面的挑战码粘贴进去（也可以在命令行运行 "
        "<code>doorstep sync sign-in 挑战码</code>）。程序会用本站的密钥签名，并把应答码复制到剪贴板。</p>"
        f'<p><label for="challenge">挑战码</label></p>'
        f'<textarea id="challenge" class="challenge" rows="2" readonly>{escape(challenge)}</textarea>'
        f'<p class="muted">挑战码 {minutes} 分钟内有效，只能登录一次；过期或用过后请刷新本页。</p></section>'
        '<section><h2>第二步：粘贴应答码并登录</h2><form method="post" action="/sign-in">'
        f'<input type="hidden" name="challenge" value="{escape(nonce)}">'
        '<p><label for="answer">应答码</label></p>'
        '<textarea id="answer" name="answer" rows="3" required autocomplete="off" spellcheck="false">'
        "</textarea>"
        '<p><button type="submit">登录</button></p></form></section>'
    )
    return layout("登录", body, hq_name=hq_name)


def _station_line(view: StationView) -> str:
    name = f" {escape(view.name)}" if view.name else ""
    received = (
        f"总部已收到本站第 {view.received_seq} 号同步包"
        + (f"（{long_date(view.received_at)}）" if view.received_at else "")
        if view.received_seq
        else "总部还没有收到本站的同步包"
    )
    return f"<p>服务站 <strong>{escape(view.code)}</strong>{name}，已登录。{received}。</p>"


def _reply_link(name: str, title: str) -> str:
    return f'<a class="button" href="/reply/{escape(name)}" download="{escape(name)}">{escape(title)}</a>'


def station_page(
    *, hq_name: str, view: StationView, csrf: str, cap: int, latest: str | None, error: str = ""
) -> str:
    reply = (
        f"<section><h2>总部的回复包</h2><p>最近一次为本站写出的回复包：{escape(latest)}</p>"
        f"<p>{_reply_link(latest, '下载回复包')}</p></section>"
        if latest
        else ""
    )
    body = (
        (error_box(error, "数据包未能导入，总部的数据没有任何改动") if error else "")
        + f"<section>{_station_line(view)}</section>"
        + "<section><h2>上传同步包</h2><p>在本站程序的“数据同步”页点“导出同步包…”，把写出的 .dsync 文件"
        "选在这里上传。总部会核对签名并导入，随后可以下载总部的回复包。</p>"
        '<form method="post" action="/upload" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<p><label for="package">同步包文件</label> '
        '<input id="package" type="file" name="package" accept=".dsync" required></p>'
        f'<p class="muted">文件不能超过 {size_words(cap)}；更大的包请用U盘交给总部。</p>'
        '<p><button type="submit">上传并导入</button></p></form></section>'
        + reply
        + '<form method="post" action="/sign-out">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<button class="secondary" type="submit">退出登录</button></form>'
    )
    return layout("上传同步包", body, hq_name=hq_name)


def receipt_page(*, hq_name: str, accepted: Accepted) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in accepted.lines)
    reply = accepted.reply
    body = (
        f'<section class="ok"><h2>总部已收下服务站 {escape(accepted.station)} '
        f"的第 {accepted.seq} 号同步包</h2>"
        f"<ul>{items}</ul></section>"
        f"<section><h2>总部的回复包</h2><p>第 {reply.seq} 号回复包（{reply.changes} 条变更）："
        f"{escape(reply.name)}</p>"
        f"<p>{_reply_link(reply.name, '下载回复包')}</p>"
        "<p>下载后，在本站程序的“数据同步”页点“导入总部数据包…”导入它。</p></section>"
        '<p><a class="button secondary" href="/station">返回</a></p>'
    )
    return layout("导入回执", body, hq_name=hq_name)


def message_page(*, hq_name: str, title: str, message: str, back: str = "/") -> str:
    body = error_box(message, title) + f'<p><a class="button secondary" href="{escape(back)}">返回</a></p>'
    return layout(title, body, hq_name=hq_name)
