"""The channels a reminder goes out on: e-mail (Django's e-mail framework) and group
robots in the documented formats of 企业微信, 钉钉 and 飞书.

- 企业微信 group robot: ``{"msgtype": "text", "text": {"content": ...}}`` or
  ``{"msgtype": "markdown", "markdown": {"content": ...}}``; not signed (the key is in
  the URL); answers ``{"errcode": 0}``.
- 钉钉 custom robot: ``{"msgtype": "text", "text": {"content": ...}}`` or
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``; with a secret,
  ``timestamp`` (milliseconds) and ``sign`` = base64(HMAC-SHA256(key=secret,
  msg="timestamp\\nsecret")), URL-encoded, in the query; answers ``{"errcode": 0}``.
- 飞书 custom bot: ``{"msg_type": "text", "content": {"text": ...}}`` or
  ``{"msg_type": "post", "content": {"post": {"zh_cn": {"title", "content"}}}}``; with
  a secret, ``timestamp`` (seconds) and ``sign`` = base64(HMAC-SHA256(key="timestamp\\n
  secret", msg="")) in the body; answers ``{"code": 0}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from leitai.web.reminders.models import Webhook

TIMEOUT = 10.0  # seconds for a robot to answer
MAX_ANSWER = 64 * 1024


class ChannelError(Exception):
    """The channel refused or did not answer; the reminder is tried again later.

    The message is the office's (in the site's language, in which reminders are sent):
    it is kept with the reminder and shown on the period's board. The channel's own
    words (an SMTP reply, a robot's answer) follow it as they came."""


def absolute(link: str) -> str:
    base = getattr(settings, "LEITAI_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") and base else link


def _text(message: dict[str, Any]) -> str:
    lines = [message["title"], *message.get("lines", [])]
    if message.get("link"):
        lines.append(absolute(message["link"]))
    return "\n".join(lines)


def _markdown(message: dict[str, Any]) -> str:
    lines = [f"### {message['title']}", *[f"- {line}" for line in message.get("lines", [])]]
    if message.get("link"):
        lines.append(
            f"[{message.get('link_text') or absolute(message['link'])}]({absolute(message['link'])})"
        )
    return "\n".join(lines)


def email_send(*, to: str, message: dict[str, Any]) -> None:
    """Send ``message`` to ``to`` as a text e-mail with an HTML alternative."""
    context = {**message, "url": absolute(message.get("link", ""))}
    mail = EmailMultiAlternatives(
        subject=message["title"],
        body=render_to_string("reminders/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    mail.attach_alternative(render_to_string("reminders/email.html", context), "text/html")
    try:
        mail.send(fail_silently=False)
    except Exception as exc:  # SMTP errors, refused connections, timeouts
        raise ChannelError(
            _("The mail server did not take the reminder: %(detail)s")
            % {"detail": f"{type(exc).__name__}: {exc}"}
        ) from exc


def _hmac_b64(key: str, msg: str) -> str:
    digest = hmac.new(key.encode(), msg.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    return _hmac_b64(secret, f"{timestamp_ms}\n{secret}")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    return _hmac_b64(f"{timestamp_s}\n{secret}", "")


def webhook_request(
    webhook: Webhook, message: dict[str, Any], *, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body that ``webhook``'s platform expects for ``message``."""
    now = time.time() if now is None else now
    markdown = webhook.format == Webhook.Format.MARKDOWN
    url = webhook.url
    if webhook.platform == Webhook.Platform.WECOM:
        body: dict[str, Any] = (
            {"msgtype": "markdown", "markdown": {"content": _markdown(message)}}
            if markdown
            else {"msgtype": "text", "text": {"content": _text(message)}}
        )
    elif webhook.platform == Webhook.Platform.DINGTALK:
        body = (
            {
                "msgtype": "markdown",
                "markdown": {"title": message["title"], "text": _markdown(message)},
            }
            if markdown
            else {"msgtype": "text", "text": {"content": _text(message)}}
        )
        if webhook.secret:
            ts = int(now * 1000)
            query = urllib.parse.urlencode(
                {"timestamp": ts, "sign": dingtalk_sign(webhook.secret, ts)}
            )
            url = f"{url}{'&' if '?' in url else '?'}{query}"
    else:
        body = _feishu_body(message, markdown=markdown)
        if webhook.secret:
            ts = int(now)
            body = {"timestamp": str(ts), "sign": feishu_sign(webhook.secret, ts), **body}
    return url, body


def _feishu_body(message: dict[str, Any], *, markdown: bool) -> dict[str, Any]:
    if not markdown:
        return {"msg_type": "text", "content": {"text": _text(message)}}
    rows: list[list[dict[str, str]]] = [
        [{"tag": "text", "text": line}] for line in message.get("lines", [])
    ]
    if message.get("link"):
        url = absolute(message["link"])
        rows.append([{"tag": "a", "text": message.get("link_text") or url, "href": url}])
    return {
        "msg_type": "post",
        "content": {"post": {"zh_cn": {"title": message["title"], "content": rows}}},
    }


def _origin(scheme: str, host: str, port: int | None) -> str:
    default = {"https": 443, "http": 80}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def robot_url_problem(url: str) -> str | None:
    """Why a group robot may not post to ``url`` (None when it may).

    A robot's address must be HTTPS to a host of ``LEITAI_ROBOT_HOSTS`` (by default the
    robots of 企业微信, 钉钉 and 飞书): reminders name units and people, and a robot is
    a way out of the network. An entry that is a whole origin (``scheme://host:port``)
    lets that origin in exactly, e.g. a gateway inside the network.
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return _("This is not a web address.")
    host = (parts.hostname or "").lower()
    if not host or parts.username is not None or parts.password is not None:
        return _("This is not a web address of a group robot.")
    allowed = [h.strip().lower().rstrip("/") for h in settings.LEITAI_ROBOT_HOSTS if h.strip()]
    if _origin(parts.scheme.lower(), host, port) in allowed:
        return None
    if parts.scheme.lower() != "https":
        return _("A group robot's address must begin with https://.")
    if host in allowed and port in (None, 443):
        return None
    return _("Group robots may post only to %(hosts)s; %(host)s is not one of them.") % {
        "hosts": _(", ").join(allowed) or "—",
        "host": host,
    }


def webhook_send(webhook: Webhook, message: dict[str, Any]) -> None:
    """Post ``message`` to the robot; raise :class:`ChannelError` unless it accepted it.

    The address is checked again here: a robot saved before the allow-list changed (or
    through the database) posts nowhere else."""
    problem = robot_url_problem(webhook.url)
    if problem is not None:
        raise ChannelError(problem)
    url, body = webhook_request(webhook, message)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = response.read(MAX_ANSWER)
    except Exception as exc:  # HTTP errors, refused connections, timeouts
        raise ChannelError(
            _("The group robot could not be reached: %(detail)s")
            % {"detail": f"{type(exc).__name__}: {exc}"}
        ) from exc
    try:
        data = json.loads(answer or b"{}")
    except ValueError as exc:
        raise ChannelError(_("The group robot's answer is not JSON.")) from exc
    code = (
        data.get("errcode", data.get("code", data.get("StatusCode", 0)))
        if isinstance(data, dict)
        else 0
    )
    if code not in (0, "0", None):
        raise ChannelError(
            _("The group robot refused the reminder: %(answer)s") % {"answer": str(data)[:300]}
        )
