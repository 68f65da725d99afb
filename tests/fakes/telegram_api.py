"""A fake Telegram Bot API server on 127.0.0.1, for end-to-end tests with the real python-telegram-bot.

The server is standard library only (``http.server.ThreadingHTTPServer`` in a background thread). It speaks
the wire protocol PTB's ``HTTPXRequest`` uses: POST ``{base_url}{token}/{method}`` with a form body
(``application/x-www-form-urlencoded``, every non-string value JSON-encoded) or ``multipart/form-data`` when
files are uploaded; it also accepts JSON bodies and query strings like Telegram does. Files are served at
``{base_file_url}{token}/{file_path}``.

    with FakeTelegram() as fake:
        app = fake.builder().build()          # Application.builder().token(..).base_url(..).base_file_url(..)
        ben = fake.user(id=100, first_name="Ben", language_code="fr")
        ben.send("/start offer_ABC")
        async with fake.polling(app):          # initialize, start, start_polling ... and a clean shutdown
            await fake.wait_for(lambda: fake.last_message(100))

Telegram's answers are reproduced where a bot can trip on them: message length, empty text, entity parsing
(HTML, MarkdownV2, Markdown), callback_data size, unknown chats, blocked users, users who never started the
bot, "message is not modified", flood control (429 with retry_after, off by default: ``rate_limits_enabled``),
getUpdates conflicts (409), and a few invoice and payment rules for Telegram Stars. ``files_down`` stands
for an outage of Telegram's file servers: getFile and downloads answer 502 Bad Gateway until it is cleared.

Topics in private chats (Bot API 9.3) come with ``topics_enabled`` (the bot's topic mode, turned on in
@BotFather; getMe's ``has_topics_enabled``): createForumTopic opens one (its id is the service message's),
messages sent with its ``message_thread_id`` land in it, a user's message in it carries ``message_thread_id``
and ``is_topic_message`` (``SimUser.send(…, topic=…)``), editForumTopic renames it; closeForumTopic stays a
forum supergroup's, as the Bot API documents it. Without the mode every topic method answers 400.

Pinned messages: pinChatMessage pins any non-service message of a private chat (the chat gets the service message
with ``pinned_message``), unpinChatMessage unpins one (or, without message_id, the most recent),
unpinAllChatMessages all of them; getChat names the most recent (by sending date) as ``pinned_message``;
``fake.pinned(chat)`` lists them.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.message
import email.utils
import itertools
import json
import math
import mimetypes
import re
import socketserver
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, NamedTuple

__all__ = ["FakeTelegram", "SimUser", "Request", "Answer", "UploadedFile", "DEFAULT_TOKEN"]

DEFAULT_TOKEN = "123456789:AAF4keT0kenForComptoirEndToEndTests"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_TOPIC_NAME = 128  # a forum topic's name: 1-128 characters
TOPIC_ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
MAX_CALLBACK_ANSWER = 200
MAX_DOWNLOAD = 20 * 1024 * 1024

# Update types Telegram sends when allowed_updates was never set (or set to []).
ALL_UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
    "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
    "chat_join_request", "chat_boost", "removed_chat_boost",
)
DEFAULT_UPDATE_TYPES = frozenset(ALL_UPDATE_TYPES) - {"chat_member", "message_reaction", "message_reaction_count"}

CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
    "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})

# Form values stay strings for these parameters; any other form value is JSON-decoded when it parses
# (PTB JSON-encodes every value that is not already a string: ints, bools, dicts, lists).
STRING_PARAMS = frozenset({
    "text", "caption", "title", "description", "payload", "currency", "callback_query_id", "pre_checkout_query_id",
    "shipping_query_id", "error_message", "url", "language_code", "parse_mode", "provider_token", "start_parameter",
    "photo_url", "file_id", "telegram_payment_charge_id", "action", "name", "short_description",
    "inline_message_id", "secret_token", "ip_address", "emoji", "business_connection_id", "message_effect_id",
    "document", "photo", "video", "audio", "animation", "voice", "video_note", "sticker", "thumbnail",
    "first_name", "last_name", "username", "query", "next_offset", "provider_data",
})
JSON_PARSE_ERRORS = {
    "reply_markup": "can't parse reply keyboard markup JSON object",
    "prices": "can't parse prices JSON object",
    "entities": "can't parse entities JSON object",
    "caption_entities": "can't parse entities JSON object",
    "commands": "can't parse commands JSON object",
    "scope": "can't parse BotCommandScope JSON object",
    "menu_button": "can't parse menu button JSON object",
    "allowed_updates": "can't parse allowed updates JSON object",
    "reply_parameters": "can't parse reply parameters JSON object",
}
#: the entity types a bot may send, and the fields each needs besides its place (Bot API 9.5's MessageEntity)
ENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    **{kind: () for kind in ("mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bold",
                             "italic", "underline", "strikethrough", "spoiler", "blockquote",
                             "expandable_blockquote", "code", "pre")},
    "text_link": ("url",), "text_mention": ("user",), "custom_emoji": ("custom_emoji_id",),
    "date_time": ("unix_time",),
}
#: date_time_format: relative alone, or an optional weekday, an optional short/long date, an optional short/long time
DATE_TIME_FORMAT = re.compile(r"r|w?[dD]?[tT]?")
INLINE_BUTTON_KINDS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)


class Request(NamedTuple):
    """One API call as the fake received it: the method, its decoded parameters, and the JSON answer."""

    method: str
    params: dict
    response: dict


class Answer(NamedTuple):
    """One answerCallbackQuery call."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


class UploadedFile(NamedTuple):
    """A file part of a multipart request."""

    file_name: str | None
    content_type: str | None
    content: bytes


class _ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _bytes_at(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# entity parsing: what the user sees of a text sent with parse_mode

_ENTITY_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl", "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}


def _parse_html(source: str) -> tuple[str, list[dict]]:
    tags = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
            "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
            "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
            "tg-emoji": "custom_emoji"}
    out: list[str] = []
    pos = 0  # UTF-16 position in the output
    stack: list[tuple[str, int, dict]] = []
    entities: list[dict] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            m = re.match(r"&(lt|gt|amp|quot|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});", source[i:])
            if m:
                name = m.group(1)
                if name.startswith("#"):
                    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
                    text = chr(code) if 0 < code <= 0x10FFFF else ""
                else:
                    text = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name]
                out.append(text)
                pos += _u16(text)
                i += m.end()
                continue
            out.append(ch)
            pos += 1
            i += 1
            continue
        if ch != "<":
            out.append(ch)
            pos += _u16(ch)
            i += 1
            continue
        offset = _bytes_at(source, i)
        end = source.find(">", i)
        if end < 0:
            raise _bad(f"can't parse entities: Unclosed start tag at byte offset {offset}")
        body = source[i + 1:end]
        if body.startswith("/"):
            name = body[1:].strip().lower()
            if not stack:
                raise _bad(f"can't parse entities: Unexpected end tag at byte offset {offset}")
            open_name, start, attrs = stack.pop()
            if name != open_name:
                raise _bad(f'can\'t parse entities: Unmatched end tag at byte offset {offset}, expected '
                           f'"</{open_name}>", found "</{name}>"')
            kind = tags[open_name]
            entity: dict[str, Any] = {"type": kind, "offset": start, "length": pos - start}
            if kind == "text_link":
                entity["url"] = attrs.get("href", "")
            elif kind == "custom_emoji":
                entity["custom_emoji_id"] = attrs.get("emoji-id", "")
            elif kind == "blockquote" and "expandable" in attrs:
                entity["type"] = "expandable_blockquote"
            elif kind == "code" and stack and stack[-1][0] == "pre":
                language = attrs.get("class", "")
                if language.startswith("language-"):
                    stack[-1][2]["language"] = language[len("language-"):]
                entity = {}
            elif kind == "pre" and attrs.get("language"):
                entity["language"] = attrs["language"]
            if entity and entity["length"] > 0:
                entities.append(entity)
        else:
            m = re.match(r"\s*([a-zA-Z][a-zA-Z0-9-]*)", body)
            name = m.group(1).lower() if m else ""
            if name not in tags:
                raise _bad(f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {offset}')
            attrs = {}
            for am in re.finditer(r"""([a-zA-Z_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""",
                                  body[m.end():]):
                value = next((g for g in am.groups()[1:] if g is not None), "")
                attrs[am.group(1).lower()] = _parse_html(value)[0] if value else value
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _bad(f'can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset {offset}')
            if name == "a" and not attrs.get("href"):
                attrs["href"] = ""
            stack.append((name, pos, attrs))
        i = end + 1
    if stack:
        raise _bad(f'can\'t parse entities: Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _parse_markdown_v2(source: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    pos = 0
    stack: list[tuple[str, int, int]] = []  # (kind, utf16 start, byte offset of the opening)
    entities: list[dict] = []
    i, n = 0, len(source)
    line_start = True

    def emit(text: str) -> None:
        nonlocal pos
        out.append(text)
        pos += _u16(text)

    def toggle(kind: str, at: int) -> None:
        if stack and stack[-1][0] == kind:
            _, start, _ = stack.pop()
            if pos > start:
                entities.append({"type": kind, "offset": start, "length": pos - start})
        else:
            stack.append((kind, pos, _bytes_at(source, at)))

    quote_start: int | None = None
    while i < n:
        ch = source[i]
        if line_start and ch == ">":
            if quote_start is None:
                quote_start = pos
            i += 1
            line_start = False
            continue
        if line_start and quote_start is not None:
            # the quote ended on the previous line: the newline belongs to it, not to the next paragraph
            length = pos - quote_start - 1
            if length > 0:
                entities.append({"type": "blockquote", "offset": quote_start, "length": length})
            quote_start = None
        line_start = False
        if ch == "\\":
            if i + 1 < n and 0 < ord(source[i + 1]) <= 126:
                emit(source[i + 1])
                i += 2
                continue
            raise _bad(f"can't parse entities: Character '\\' is reserved and must be escaped with the preceding '\\'")
        if ch == "\n":
            emit(ch)
            line_start = True
            i += 1
            continue
        if ch == "`":
            fence = source.startswith("```", i)
            opening = _bytes_at(source, i)
            j = i + (3 if fence else 1)
            language = ""
            if fence:
                nl = source.find("\n", j)
                first_line = source[j:nl] if nl >= 0 else ""
                if nl >= 0 and re.fullmatch(r"[A-Za-z0-9_+#.-]*", first_line):
                    language = first_line
                    j = nl + 1
            start = pos
            closed = False
            while j < n:
                c = source[j]
                if c == "\\" and j + 1 < n and source[j + 1] in "`\\":
                    emit(source[j + 1])
                    j += 2
                    continue
                if c == "`":
                    if fence:
                        if source.startswith("```", j):
                            closed = True
                            j += 3
                            break
                        raise _bad("can't parse entities: Character '`' is reserved and must be escaped with the "
                                   "preceding '\\'")
                    closed = True
                    j += 1
                    break
                emit(c)
                j += 1
            if not closed:
                raise _bad(f"can't parse entities: Can't find end of {'Pre' if fence else 'Code'} entity at byte "
                           f"offset {opening}")
            if pos > start:
                entity = {"type": "pre" if fence else "code", "offset": start, "length": pos - start}
                if language:
                    entity["language"] = language
                entities.append(entity)
            i = j
            continue
        if ch == "*":
            toggle("bold", i)
            i += 1
            continue
        if ch == "_":
            if source.startswith("__", i):
                toggle("underline", i)
                i += 2
            else:
                toggle("italic", i)
                i += 1
            continue
        if ch == "~":
            toggle("strikethrough", i)
            i += 1
            continue
        if ch == "|" and source.startswith("||", i):
            toggle("spoiler", i)
            i += 2
            continue
        if ch == "[" or (ch == "!" and source.startswith("![", i)):
            kind = "custom_emoji" if ch == "!" else "text_link"
            stack.append((kind, pos, _bytes_at(source, i)))
            i += 2 if ch == "!" else 1
            continue
        if ch == "]" and stack and stack[-1][0] in ("text_link", "custom_emoji"):
            kind, start, opening = stack.pop()
            if not source.startswith("(", i + 1):
                raise _bad(f"can't parse entities: Can't find end of {_ENTITY_NAMES[kind]} entity at byte offset "
                           f"{opening}")
            j = i + 2
            url: list[str] = []
            while j < n and source[j] != ")":
                if source[j] == "\\" and j + 1 < n:
                    j += 1
                url.append(source[j])
                j += 1
            if j >= n:
                raise _bad(f"can't parse entities: Can't find end of a url at byte offset {_bytes_at(source, i + 2)}")
            link = "".join(url)
            if pos > start:
                entity = {"type": kind, "offset": start, "length": pos - start}
                if kind == "text_link":
                    entity["url"] = link
                else:
                    entity["custom_emoji_id"] = link.partition("id=")[2]
                entities.append(entity)
            i = j + 1
            continue
        if ch in _MDV2_RESERVED:
            raise _bad(f"can't parse entities: Character '{ch}' is reserved and must be escaped with the "
                       f"preceding '\\'")
        emit(ch)
        i += 1
    if quote_start is not None and pos > quote_start:
        entities.append({"type": "blockquote", "offset": quote_start, "length": pos - quote_start})
    if stack:
        kind, _, opening = stack[-1]
        raise _bad(f"can't parse entities: Can't find end of {_ENTITY_NAMES[kind]} entity at byte offset {opening}")
    return "".join(out), entities


def _parse_markdown(source: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url); no nesting."""
    out: list[str] = []
    pos = 0
    entities: list[dict] = []
    i, n = 0, len(source)
    marks = {"*": "bold", "_": "italic"}
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            out.append(source[i + 1])
            pos += 1
            i += 2
            continue
        if ch in marks or ch == "`" or ch == "[":
            opening = _bytes_at(source, i)
            if ch == "`" and source.startswith("```", i):
                end = source.find("```", i + 3)
                kind, inner, after = "pre", source[i + 3:end], end + 3
            elif ch == "[":
                end = source.find("]", i + 1)
                close = source.find(")", end) if end >= 0 and source.startswith("(", end + 1) else -1
                if end < 0 or close < 0:
                    raise _bad(f"can't parse entities: Can't find end of the entity starting at byte offset {opening}")
                kind, inner, after = "text_link", source[i + 1:end], close + 1
                end = close
            else:
                end = source.find(ch, i + 1)
                kind, inner, after = marks.get(ch, "code"), source[i + 1:end], end + 1
            if end < 0:
                raise _bad(f"can't parse entities: Can't find end of the entity starting at byte offset {opening}")
            entity: dict[str, Any] = {"type": kind, "offset": pos, "length": _u16(inner)}
            if kind == "text_link":
                entity["url"] = source[source.find("(", i) + 1:end]
            if entity["length"]:
                entities.append(entity)
            out.append(inner)
            pos += _u16(inner)
            i = after
            continue
        out.append(ch)
        pos += _u16(ch)
        i += 1
    return "".join(out), entities


def _check_entities(text: str, entities: list[dict]) -> None:
    """Entities sent with a text, checked as Telegram does: a known type with the fields it needs, within the
    text (in UTF-16 code units), not cutting a character of the astral planes in two."""
    units = text.encode("utf-16-le")
    for entity in entities:
        kind, offset, length = entity["type"], entity["offset"], entity["length"]
        if kind not in ENTITY_FIELDS:
            raise _bad(f'can\'t parse entities: unsupported entity type "{kind}"')
        if offset < 0 or length <= 0 or offset + length > len(units) // 2:
            raise _bad(f"can't parse entities: entity {kind} at offset {offset} with length {length} is outside "
                       f"the text of length {len(units) // 2}")
        for edge in (offset, offset + length):  # a low surrogate at an edge: a character cut in two
            if edge < len(units) // 2 and 0xDC00 <= int.from_bytes(units[2 * edge:2 * edge + 2], "little") <= 0xDFFF:
                raise _bad(f"can't parse entities: entity {kind} cuts a character at offset {edge}")
        for field in ENTITY_FIELDS[kind]:
            if field not in entity:
                raise _bad(f'can\'t parse entities: field "{field}" must be present in an entity of type "{kind}"')
        if kind == "date_time":
            unix, form = entity["unix_time"], entity.get("date_time_format", "")
            if not isinstance(unix, int) or isinstance(unix, bool) or unix < 0:
                raise _bad('can\'t parse entities: field "unix_time" must be a Unix time')
            if not isinstance(form, str) or not DATE_TIME_FORMAT.fullmatch(form):
                raise _bad(f"can't parse entities: invalid date_time_format {form!r}")
        if kind == "text_mention" and not isinstance((entity["user"] or {}).get("id"), int):
            raise _bad('can\'t parse entities: field "user" must be a User')


def _strip(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims the whitespace around a message text; entities move with the text."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = _u16(text[:len(text) - len(text.lstrip())])
    total = _u16(stripped)
    moved = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        end = min(total, entity["offset"] + entity["length"] - shift)
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return stripped, moved


def _detect_entities(text: str) -> list[dict]:
    """The entities Telegram's clients attach to what a user types: commands, mentions, hashtags, links."""
    found = []
    patterns = (
        ("bot_command", r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])"),
        ("url", r"(?<![\w@])https?://[^\s<>\"]+"),
        ("mention", r"(?<![\w@/])@[A-Za-z0-9_]{4,32}(?!\w)"),
        ("hashtag", r"(?<![\w#])#[^\W\d][\w]*"),
    )
    for kind, pattern in patterns:
        for m in re.finditer(pattern, text):
            found.append({"type": kind, "offset": _u16(text[:m.start()]), "length": _u16(m.group())})
    return sorted(found, key=lambda e: (e["offset"], -e["length"]))


def _image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image; None when the bytes are no image Telegram reads."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return struct.unpack(">II", content[16:24])
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return struct.unpack("<HH", content[6:10])
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return (512, 512)
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                i += 1
                continue
            marker = content[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", content[i + 2:i + 4])
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                height, width = struct.unpack(">HH", content[i + 5:i + 9])
                return width, height
            i += 2 + length
        return (800, 600)
    return None


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    header = email.message.Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if not boundary:
        raise _bad("can't parse multipart/form-data: no boundary")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + str(boundary).encode("latin-1")
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        part = part[:-2] if part.endswith(b"\r\n") else part
        raw_headers, _, content = part.partition(b"\r\n\r\n")
        headers = email.message.Message()
        for line in raw_headers.decode("utf-8", "replace").split("\r\n"):
            key, sep, value = line.partition(":")
            if sep:
                headers[key.strip()] = value.strip()
        name = headers.get_param("name", header="content-disposition")
        if not name:
            continue
        name = email.utils.collapse_rfc2231_value(name)
        file_name = headers.get_filename()
        if file_name is not None:
            file_name = file_name.replace("%22", '"')  # httpx percent-escapes quotes in file names
            files[name] = UploadedFile(file_name, headers.get_content_type(), content)
        else:
            fields[name] = content.decode("utf-8")
    return fields, files


# ---------------------------------------------------------------------------------------------------------------
# the HTTP side

class _Server(ThreadingHTTPServer):
    """One daemon thread per request, all joined by server_close(): stop() leaves nothing running, and a test
    that forgets stop() does not keep the interpreter alive."""

    allow_reuse_address = True
    request_queue_size = 256  # socketserver's 5 resets connections when a burst of presses is answered at once

    def __init__(self, fake: FakeTelegram, address: tuple[str, int]) -> None:
        self.fake = fake
        self._handlers: list[threading.Thread] = []
        self._handlers_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  name="FakeTelegram-request", daemon=True)
        with self._handlers_lock:
            self._handlers = [t for t in self._handlers if t.is_alive()]
            self._handlers.append(thread)
        thread.start()

    def server_close(self) -> None:
        socketserver.TCPServer.server_close(self)
        with self._handlers_lock:
            handlers, self._handlers = self._handlers, []
        for thread in handlers:
            thread.join(timeout=5)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive thread outlives a test
    timeout = 10  # a connection that never sends its request does not hold stop() forever
    server: _Server

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self) -> None:
        fake = self.server.fake
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        try:
            body = self._read_body()
            if path.startswith("/file/bot"):
                status, content = fake._download(path[len("/file/bot"):])
                self._send(status, content, "application/octet-stream" if status == 200 else "application/json")
                return
            if not path.startswith("/bot"):
                self._send(404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode())
                return
            token, _, method = path[len("/bot"):].partition("/")
            try:
                params = self._params(url.query, body)
            except _ApiError as exc:  # an unreadable body: recorded like any answered call
                status, response = exc.code, exc.payload()
                if token == fake.token:
                    with fake._lock:
                        fake.requests.append(Request(method, {}, response))
            else:
                status, response = fake._call(token, method, params)
        except (ConnectionError, TimeoutError):
            return
        except Exception as exc:  # a bug in the fake: answer like a broken server, and remember it
            fake.errors.append(exc)
            traceback.print_exc(file=sys.stderr)
            status = 500
            response = {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc!r}"}
        with contextlib.suppress(ConnectionError, TimeoutError):
            self._send(status, json.dumps(response, ensure_ascii=False).encode("utf-8"))

    def _params(self, query: str, body: bytes) -> dict[str, Any]:
        raw: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        content_type = self.headers.get("Content-Type", "")
        kind = content_type.split(";")[0].strip().lower()
        if kind == "application/json" and body:
            try:
                decoded = json.loads(body)
            except ValueError:
                raise _bad("can't parse JSON encoded request") from None
            if not isinstance(decoded, dict):
                raise _bad("can't parse JSON encoded request")
            raw.update(decoded)
        elif kind == "multipart/form-data":
            fields, files = _parse_multipart(body, content_type)
            raw.update(fields)
        elif body:
            raw.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        params = {name: _decode_param(name, value) for name, value in raw.items()}
        for name, value in list(params.items()):  # attach://name refers to a file part
            if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
                params[name] = files.pop(value[9:])
        params.update(files)
        return params


def _decode_param(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        if name in JSON_PARSE_ERRORS:
            raise _bad(JSON_PARSE_ERRORS[name]) from None
        return value


# ---------------------------------------------------------------------------------------------------------------
# simulated users

class SimUser:
    """A Telegram user talking to the bot: each action queues the update Telegram would send the bot."""

    def __init__(self, fake: FakeTelegram, id: int, first_name: str, last_name: str | None = None,  # noqa: A002
                 username: str | None = None, language_code: str | None = None, is_premium: bool | None = None):
        self.fake = fake
        self.id = id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.is_premium = is_premium

    def __repr__(self) -> str:
        return f"SimUser(id={self.id}, first_name={self.first_name!r})"

    def to_dict(self) -> dict:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code", "is_premium"):
            if getattr(self, key) is not None:
                user[key] = getattr(self, key)
        return user

    def chat_dict(self) -> dict:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key) is not None:
                chat[key] = getattr(self, key)
        return chat

    # what the user does
    def send(self, text: str, *, chat_id: int | None = None, entities: list[dict] | None = None,
             reply_to: Any = None, topic: int | None = None) -> dict:
        """Type and send a text; commands, mentions, hashtags and links get their entities like in Telegram.
        `topic`: written in that topic of the chat (its message_thread_id)."""
        content: dict[str, Any] = {"text": text}
        found = _detect_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return self.fake._user_message(self, content, chat_id=chat_id, reply_to=reply_to, topic=topic)

    def reply_to(self, message: Any, text: str) -> dict:
        """Reply to a message of the chat (reply_to_message is set)."""
        return self.send(text, chat_id=self.fake._message_key(message)[0], reply_to=message)

    def send_document(self, file_name: str, content: bytes, caption: str | None = None, *,
                      mime_type: str | None = None, chat_id: int | None = None, topic: int | None = None) -> dict:
        with self.fake._lock:
            file = self.fake._store_file(content, "documents", file_name=file_name, mime_type=mime_type)
        document = {k: file[k] for k in ("file_name", "mime_type", "file_id", "file_unique_id", "file_size")
                    if file[k] is not None}
        message: dict[str, Any] = {"document": document}
        if caption:
            message["caption"] = caption
        return self.fake._user_message(self, message, chat_id=chat_id, topic=topic)

    def send_photo(self, content: bytes, caption: str | None = None, *, chat_id: int | None = None) -> dict:
        message: dict[str, Any] = {"photo": self.fake._photo_sizes(content)}
        if caption:
            message["caption"] = caption
        return self.fake._user_message(self, message, chat_id=chat_id)

    def edit(self, message: Any, text: str) -> dict:
        """Edit one of the user's own messages (an edited_message update)."""
        return self.fake._user_edit(self, message, text)

    def press(self, message: Any, callback_data: str, *, check: bool = True) -> str:
        """Press an inline button of a message; returns the callback query id (see FakeTelegram.answer_for)."""
        return self.fake._press(self, message, callback_data, check=check)

    def pay(self, invoice: Any, total_amount: int | None = None, currency: str = "XTR") -> str:
        """Pay an invoice message (or an invoice payload, or an invoice link).

        Queues the pre_checkout_query now; when the bot answers it with ok=True within
        FakeTelegram.pre_checkout_timeout seconds, a message with successful_payment follows.
        Returns the telegram_payment_charge_id the payment will carry.
        """
        return self.fake._pay(self, invoice, total_amount, currency)

    def block(self) -> None:
        self.fake.block(self.id)

    def unblock(self) -> None:
        self.fake.unblock(self.id)

    @property
    def messages(self) -> list[dict]:
        return self.fake.sent_to(self.id)

    @property
    def last_message(self) -> dict | None:
        return self.fake.last_message(self.id)


class _Chat:
    def __init__(self, info: dict, first_id: int = 1) -> None:
        self.info = info
        self.next_id = first_id
        self.messages: dict[int, dict] = {}  # message_id -> current state (insertion ordered)
        self.started = False
        self.blocked = False
        self.deactivated = False
        self.keyboard: dict | None = None  # the last reply keyboard shown under the input field
        self.topics: dict[int, dict] = {}  # message_thread_id -> {"name", "icon_color", "is_closed"}
        self.pinned: list[int] = []  # pinned message ids, the most recently pinned last

    @property
    def private(self) -> bool:
        return self.info["type"] == "private"


# ---------------------------------------------------------------------------------------------------------------
# the fake

class FakeTelegram:
    """A fake Bot API server. See the module docstring; every public attribute and helper is thread-safe."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_username: str = "comptoir_test_bot",
                 bot_first_name: str = "Comptoir", require_start: bool = True, rate_limits_enabled: bool = False,
                 per_chat_per_second: int = 1, global_per_second: int = 30, per_group_per_minute: int = 20,
                 pre_checkout_timeout: float = 10.0, stars_max_amount: int = 10000, host: str = "127.0.0.1",
                 topics_enabled: bool = False):
        self.token = token
        self.bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123456789
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.require_start = require_start
        self.rate_limits_enabled = rate_limits_enabled
        self.per_chat_per_second = per_chat_per_second
        self.global_per_second = global_per_second
        self.per_group_per_minute = per_group_per_minute
        self.pre_checkout_timeout = pre_checkout_timeout
        self.stars_max_amount = stars_max_amount
        self.host = host
        # the bot's "topics in private chats" mode, turned on in @BotFather (Bot API 9.3: User.has_topics_enabled)
        self.topics_enabled = topics_enabled

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

        # records
        self.requests: list[Request] = []
        self.answers: list[Answer] = []
        self.pre_checkout_answers: list[dict] = []
        self.payments: list[dict] = []
        self.refunds: list[dict] = []
        self.updates: list[dict] = []  # every update queued, in order
        self.deliveries: list[int] = []  # update_id of every update handed out by getUpdates, in order
        self.errors: list[BaseException] = []  # bugs in the fake itself (answered 500)
        self.rate_limited = 0
        self.files_down = False  # getFile and file downloads answer 502 while set
        self.webhook: dict | None = None
        self.commands_by_scope: dict[tuple[str, str], list[dict]] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        self.failures: dict[str, list[tuple[int, str]]] = defaultdict(list)  # method -> (error_code, description)

        # state
        self._users: dict[int, SimUser] = {}
        self._chats: dict[int, _Chat] = {}
        self._files: dict[str, dict] = {}
        self._files_by_path: dict[str, dict] = {}
        self._file_counter = itertools.count(1)
        self._pending: list[dict] = []  # {"update": ..., "dup": bool}
        self._redeliver: list[dict] = []
        self._next_update_id = 500_000_001
        # where each chat's message ids start: two fakes standing for one bot (two processes) start apart, since
        # Telegram numbers one chat's messages once, whichever process it hands them to
        self.first_message_id = 1
        self._duplicate = 0
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._callback_queries: dict[str, dict] = {}
        self._query_counter = itertools.count(1)
        self._pre_checkouts: dict[str, dict] = {}
        self._invoices: dict[tuple[int, int], dict] = {}
        self._invoice_links: dict[str, dict] = {}
        self._invoices_by_payload: dict[str, dict] = {}
        self._chat_sends: dict[int, deque[float]] = defaultdict(deque)
        self._global_sends: deque[float] = deque()
        self._methods = {name[3:].lower(): (name[3:], getattr(self, name)) for name in dir(self)
                         if name.startswith("_m_")}

    # ----------------------------------------------------------------------------------------------- lifecycle
    def start(self) -> FakeTelegram:
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _Server(self, (self.host, 0))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"FakeTelegram:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()  # long polls answer now
        server.shutdown()
        server.server_close()  # joins the handler threads
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    async def __aenter__(self) -> FakeTelegram:
        return self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await asyncio.to_thread(self.stop)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name, "username": self.bot_username}

    # PTB conveniences (imported lazily: the server itself needs only the standard library)
    def builder(self) -> Any:
        """``Application.builder()`` pointed at this server, with the fake's token."""
        from telegram.ext import Application

        return Application.builder().token(self.token).base_url(self.base_url).base_file_url(self.base_file_url)

    @contextlib.asynccontextmanager
    async def polling(self, application: Any, *, timeout: int = 1, **kwargs: Any):
        """Run a real Application with long polling against this server, and shut it down cleanly."""
        await application.initialize()
        try:
            await application.start()
            try:
                await application.updater.start_polling(poll_interval=0, timeout=timeout, **kwargs)
                try:
                    yield application
                finally:
                    await application.updater.stop()
            finally:
                await application.stop()
        finally:
            await application.shutdown()

    # ---------------------------------------------------------------------------------------------- test helpers
    def user(self, id: int, first_name: str = "User", *, last_name: str | None = None,  # noqa: A002
             username: str | None = None, language_code: str | None = None, is_premium: bool | None = None) -> SimUser:
        """A simulated user (the same object for the same id; given details are updated)."""
        with self._lock:
            user = self._users.get(id)
            if user is None:
                user = self._users[id] = SimUser(self, id, first_name, last_name, username, language_code, is_premium)
            else:
                user.first_name = first_name
                for key, value in (("last_name", last_name), ("username", username),
                                   ("language_code", language_code), ("is_premium", is_premium)):
                    if value is not None:
                        setattr(user, key, value)
            chat = self._chats.get(id)
            if chat is None:
                self._chats[id] = _Chat(user.chat_dict(), self.first_message_id)
            else:
                chat.info = user.chat_dict()
            return user

    def add_chat(self, chat_id: int, title: str, type: str = "supergroup") -> dict:  # noqa: A002
        """A group, supergroup or channel the bot is a member of (sends to unknown groups get 'chat not found')."""
        with self._lock:
            info = {"id": chat_id, "type": type, "title": title}
            if chat_id in self._chats:
                self._chats[chat_id].info = info
            else:
                self._chats[chat_id] = _Chat(info, self.first_message_id)
            return dict(info)

    def block(self, chat_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends get 403. Queues the my_chat_member update Telegram sends, if notify."""
        with self._lock:
            chat = self._private_chat(chat_id)
            if not chat.blocked and notify:
                self._queue_member_change(chat, "member", "kicked")
            chat.blocked = True

    def unblock(self, chat_id: int, *, notify: bool = True) -> None:
        with self._lock:
            chat = self._private_chat(chat_id)
            if chat.blocked and notify:
                self._queue_member_change(chat, "kicked", "member")
            chat.blocked = False

    def deactivate(self, chat_id: int) -> None:
        """The user deleted their account: sends get 403 'user is deactivated'."""
        with self._lock:
            self._private_chat(chat_id).deactivated = True

    def start_chat(self, chat_id: int) -> None:
        """Mark a private chat as started without queueing an update."""
        with self._lock:
            self._private_chat(chat_id).started = True

    def duplicate_next(self, n: int = 1) -> None:
        """The next n queued updates are delivered twice: once normally, then again after the bot confirmed them."""
        with self._lock:
            self._duplicate += n

    def number_updates_from(self, update_id: int) -> None:
        """The next update gets this id and the following ones count on from it: what a new Bot API server
        (a local one started afresh, say) does, whatever ids the bot has handled before."""
        with self._lock:
            self._next_update_id = update_id

    def queue_update(self, update: dict) -> int:
        """Queue a raw update (any type); update_id is assigned. Returns the update_id."""
        with self._lock:
            return self._queue(_copy(update))

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._pending) + len(self._redeliver)

    def sent_to(self, chat_id: int) -> list[dict]:
        """The bot's messages in a chat as the user sees them now: edits applied, deleted ones gone."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [_copy(m) for m in chat.messages.values() if m.get("from", {}).get("id") == self.bot_id]

    def history(self, chat_id: int) -> list[dict]:
        """Every message in a chat, the user's and the bot's, as they are now."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return [_copy(m) for m in chat.messages.values()] if chat else []

    def last_message(self, chat_id: int) -> dict | None:
        messages = self.sent_to(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> dict | None:
        """The current state of one message (None once deleted)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            found = chat.messages.get(message_id) if chat else None
            return _copy(found) if found else None

    def keyboard(self, chat_id: int) -> list[list[str]]:
        """Rows of the reply keyboard currently shown in a chat ([] when none)."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if not chat or not chat.keyboard:
                return []
            return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in chat.keyboard["keyboard"]]

    @staticmethod
    def buttons(message: Any) -> list[list[tuple[str, str | None]]]:
        """Rows of (text, callback_data) of a message's inline keyboard (callback_data is None for url buttons)."""
        if message is None:
            return []
        if not isinstance(message, dict):
            message = message.to_dict()
        markup = message.get("reply_markup") or {}
        return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in markup.get("inline_keyboard", [])]

    def calls(self, method: str) -> list[Request]:
        """The recorded requests of one method (case-insensitive)."""
        with self._lock:
            return [r for r in self.requests if r.method.lower() == method.lower()]

    def answer_for(self, callback_query_id: str) -> Answer | None:
        with self._lock:
            return next((a for a in self.answers if a.callback_query_id == callback_query_id), None)

    def payment(self, charge_id: str) -> dict | None:
        with self._lock:
            found = next((p for p in self.payments if p["telegram_payment_charge_id"] == charge_id), None)
            return dict(found) if found else None

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        with self._lock:
            return _copy(self.commands_by_scope.get(self._scope_key(scope, language_code), []))

    def file_content(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id]["content"]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, *, interval: float = 0.01,
                       what: str | None = None) -> Any:
        """Poll predicate() from asyncio (never blocking the loop) until it is truthy; return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                with self._lock:
                    recent = [f"{r.method}->{'ok' if r.response.get('ok') else r.response.get('description')}"
                              for r in self.requests if r.method != "getUpdates"][-10:]
                raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}; "
                                     f"recent requests: {recent}")
            await asyncio.sleep(interval)

    async def wait_for_request(self, method: str, predicate: Callable[[Request], bool] | None = None,
                               timeout: float = 5.0) -> Request:
        """Wait until a request of this method (matching predicate, if given) was answered; return it."""
        def found() -> Request | None:
            return next((r for r in self.calls(method) if predicate is None or predicate(r)), None)

        return await self.wait_for(found, timeout, what=f"a {method} request")

    # --------------------------------------------------------------------------------------------- dispatching
    def fail(self, method: str, code: int = 500, description: str = "Internal Server Error") -> None:
        """The next call of this method (e.g. "setMyCommands") answers this error, as Telegram does when it fails."""
        with self._lock:
            self.failures[method.lower()].append((code, description))

    def _call(self, token: str, method: str, params: dict) -> tuple[int, dict]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        with self._lock:
            if self.failures[method.lower()]:
                code, description = self.failures[method.lower()].pop(0)
                response = {"ok": False, "error_code": code, "description": description}
                self.requests.append(Request(method, params, response))
                return code, response
        entry = self._methods.get(method.lower())
        if entry is None:
            response = {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
            with self._lock:
                self.requests.append(Request(method, params, response))
            return 404, response
        name, handler = entry
        with self._lock:
            try:
                response = {"ok": True, "result": handler(params)}
                status = 200
            except _ApiError as exc:
                response, status = exc.payload(), exc.code
                if status == 429:
                    self.rate_limited += 1
            self.requests.append(Request(name, params, response))
            return status, response

    def _download(self, rest: str) -> tuple[int, bytes]:
        token, _, file_path = rest.partition("/")
        with self._lock:
            if self.files_down:
                return 502, json.dumps({"ok": False, "error_code": 502, "description": "Bad Gateway"}).encode()
            file = self._files_by_path.get(file_path) if token == self.token else None
            if file is None:
                return 404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode()
            return 200, file["content"]

    # ------------------------------------------------------------------------------------------------ updates
    def _queue(self, update: dict) -> int:
        kind = next((k for k in update if k != "update_id"), None)
        update_id = self._next_update_id
        self._next_update_id += 1
        update["update_id"] = update_id
        self.updates.append(_copy(update))
        if kind not in self._allowed_updates:
            return update_id  # Telegram does not even store updates of types the bot did not subscribe to
        dup = self._duplicate > 0
        if dup:
            self._duplicate -= 1
        self._pending.append({"update": update, "dup": dup})
        self._cond.notify_all()
        return update_id

    def _queue_member_change(self, chat: _Chat, old: str, new: str) -> None:
        user = self._users.get(chat.info["id"])
        sender = user.to_dict() if user else {"id": chat.info["id"], "is_bot": False,
                                                 "first_name": chat.info.get("first_name", "")}
        member = {"user": self.bot_user, "status": new}
        if new == "kicked":
            member["until_date"] = 0
        self._queue({"my_chat_member": {"chat": dict(chat.info), "from": sender, "date": int(time.time()),
                                        "old_chat_member": {"user": self.bot_user, "status": old},
                                        "new_chat_member": member}})

    def _m_getUpdates(self, p: dict) -> list[dict]:
        if self.webhook:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                                 "to delete the webhook first")
        self._poll_generation += 1
        generation = self._poll_generation
        allowed = p.get("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
        offset = int(p.get("offset") or 0)
        limit = max(1, min(100, int(p.get("limit") or 100)))
        timeout = max(0.0, float(p.get("timeout") or 0))
        if offset < 0:
            del self._pending[:max(0, len(self._pending) + offset)]
        elif offset:
            kept = []
            for entry in self._pending:
                if entry["update"]["update_id"] >= offset:
                    kept.append(entry)
                elif entry["dup"]:
                    self._redeliver.append({"update": entry["update"], "dup": False})
            self._pending = kept
        deadline = time.monotonic() + timeout
        while not (self._redeliver or self._pending or self._stopping):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(remaining)
            if self._poll_generation != generation:
                raise _ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one "
                                     "bot instance is running")
        batch = [e["update"] for e in self._redeliver[:limit]]
        del self._redeliver[:len(batch)]
        batch += [e["update"] for e in self._pending[:limit - len(batch)]]
        self.deliveries.extend(u["update_id"] for u in batch)
        return _copy(batch)

    def _m_setWebhook(self, p: dict) -> bool:
        url = p.get("url", "")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if url:
            self.webhook = {k: v for k, v in p.items() if not isinstance(v, UploadedFile)}
            if p.get("drop_pending_updates"):
                self._pending.clear()
        else:
            self.webhook = None
        return True

    def _m_deleteWebhook(self, p: dict) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._pending.clear()
            self._redeliver.clear()
        return True

    def _m_getWebhookInfo(self, p: dict) -> dict:
        info: dict[str, Any] = {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                                "pending_update_count": len(self._pending)}
        if self.webhook:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if "allowed_updates" in self.webhook:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    # ---------------------------------------------------------------------------------------------- bot info
    def _m_getMe(self, p: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False,
                "has_topics_enabled": self.topics_enabled, "allows_users_to_create_topics": False}

    def _m_close(self, p: dict) -> bool:
        return True

    def _m_logOut(self, p: dict) -> bool:
        return True

    @staticmethod
    def _scope_key(scope: dict | None, language_code: str | None) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""

    def _m_setMyCommands(self, p: dict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad("too much commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands_by_scope[self._scope_key(p.get("scope"), p.get("language_code"))] = _copy(commands)
        return True

    def _m_getMyCommands(self, p: dict) -> list[dict]:
        return _copy(self.commands_by_scope.get(self._scope_key(p.get("scope"), p.get("language_code")), []))

    def _m_deleteMyCommands(self, p: dict) -> bool:
        self.commands_by_scope.pop(self._scope_key(p.get("scope"), p.get("language_code")), None)
        return True

    def _m_setChatMenuButton(self, p: dict) -> bool:
        chat_id = p.get("chat_id")
        if chat_id is not None:
            self._chat_for_send(chat_id)
        self.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    def _m_getChatMenuButton(self, p: dict) -> dict:
        chat_id = p.get("chat_id")
        found = self.menu_buttons.get(chat_id) if chat_id is not None else None
        found = found if found and found.get("type") != "default" else self.menu_buttons.get(None)
        return _copy(found if found and found.get("type") != "default" else {"type": "commands"})

    def _m_getChat(self, p: dict) -> dict:
        chat = self._known_chat(p.get("chat_id"))
        info = {**chat.info, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": {
            "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False, "premium_subscription": False,
            "gifts_from_channels": False}}
        pinned = [chat.messages[i] for i in chat.pinned if i in chat.messages]
        if pinned:  # "the most recent pinned message (by sending date)", as ChatFullInfo names it
            info["pinned_message"] = _copy(max(pinned, key=lambda m: (m["date"], m["message_id"])))
        return info

    # ----------------------------------------------------------------------------------------- chats & messages
    def _private_chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            user = self._users.get(chat_id)
            info = user.chat_dict() if user else {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            chat = self._chats[chat_id] = _Chat(info, self.first_message_id)
        return chat

    def _known_chat(self, chat_id: Any) -> _Chat:
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int):
            raise _bad("chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0 and not self.require_start:
                return self._private_chat(chat_id)
            if chat_id > 0:
                raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad("chat not found")
        return chat

    def _chat_for_send(self, chat_id: Any) -> _Chat:
        """The target chat of a call that writes into it, or Telegram's 400/403."""
        chat = self._known_chat(chat_id)
        if chat.private:
            if chat.deactivated:
                raise _ApiError(403, "Forbidden: user is deactivated")
            if chat.blocked:
                raise _ApiError(403, "Forbidden: bot was blocked by the user")
            if self.require_start and not chat.started:
                raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _stored(self, chat: _Chat, message_id: Any, missing: str) -> dict:
        if message_id is None or message_id == "":
            raise _bad("message identifier is not specified")
        found = chat.messages.get(int(message_id)) if str(message_id).lstrip("-").isdigit() else None
        if found is None:
            raise _bad(missing)
        return found

    def _check_rate(self, chat: _Chat) -> None:
        if not self.rate_limits_enabled:
            return
        now = time.monotonic()
        window, limit = (1.0, self.per_chat_per_second) if chat.private else (60.0, self.per_group_per_minute)
        sends = self._chat_sends[chat.info["id"]]
        while sends and sends[0] <= now - window:
            sends.popleft()
        while self._global_sends and self._global_sends[0] <= now - 1.0:
            self._global_sends.popleft()
        waits = []
        if len(sends) >= limit:
            waits.append(sends[0] + window - now)
        if len(self._global_sends) >= self.global_per_second:
            waits.append(self._global_sends[0] + 1.0 - now)
        if waits:
            seconds = max(1, math.ceil(max(waits)))
            raise _ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
        sends.append(now)
        self._global_sends.append(now)

    def _text(self, p: dict, key: str = "text", entities_key: str = "entities",
              limit: int = MAX_TEXT) -> tuple[str, list[dict]]:
        """The text as the user will see it, and its entities; Telegram's 400s for bad ones."""
        raw = p.get(key)
        raw = "" if raw is None else str(raw)
        mode = (p.get("parse_mode") or "").lower()
        if mode == "html":
            text, entities = _parse_html(raw)
        elif mode == "markdownv2":
            text, entities = _parse_markdown_v2(raw)
        elif mode == "markdown":
            text, entities = _parse_markdown(raw)
        elif mode:
            raise _bad("unsupported parse_mode")
        else:
            text, entities = raw, p.get(entities_key) or []
            if not isinstance(entities, list) or not all(
                    isinstance(e, dict) and isinstance(e.get("type"), str) and isinstance(e.get("offset"), int)
                    and isinstance(e.get("length"), int) for e in entities):
                raise _bad("can't parse entities JSON object")
            entities = _copy(entities)
            _check_entities(text, entities)
        entities.sort(key=lambda e: (e["offset"], -e["length"]))
        text, entities = _strip(text, entities)
        if key == "text" and not text:
            raise _bad("message text is empty")
        if len(text) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return text, entities

    def _markup(self, p: dict, chat: _Chat) -> dict | None:
        """Validate reply_markup; returns the inline keyboard to show in the message, if any."""
        markup = p.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                        raise _bad("can't parse inline keyboard button: Field \"text\" must be of type String")
                    kinds = [k for k in INLINE_BUTTON_KINDS if k in button]
                    if not kinds:
                        raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline "
                                   "keyboard")
                    if "callback_data" in button:
                        data = button["callback_data"]
                        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                            raise _bad("BUTTON_DATA_INVALID")
                    if "url" in button and not re.match(r"(https?|tg|ton)://\S+$", str(button["url"])):
                        raise _bad("BUTTON_URL_INVALID")
            return {"inline_keyboard": _copy(rows)}
        if "keyboard" in markup:
            chat.keyboard = _copy(markup)
        elif markup.get("remove_keyboard"):
            chat.keyboard = None
        elif not markup.get("force_reply"):
            raise _bad("can't parse reply keyboard markup JSON object")
        return None

    def _reply_target(self, p: dict, chat: _Chat) -> dict | None:
        params = p.get("reply_parameters") or {}
        message_id = params.get("message_id", p.get("reply_to_message_id"))
        if message_id is None:
            return None
        source = self._chats.get(params.get("chat_id", chat.info["id"])) if params.get("chat_id") else chat
        found = source.messages.get(int(message_id)) if source else None
        if found is None:
            if params.get("allow_sending_without_reply") or p.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        target = _copy(found)
        target.pop("reply_to_message", None)
        return target

    def _new_message(self, chat: _Chat, sender: dict, content: dict, p: dict | None = None,
                     reply_to: dict | None = None) -> dict:
        message: dict[str, Any] = {"message_id": chat.next_id, "from": dict(sender), "chat": dict(chat.info),
                                   "date": int(time.time())}
        chat.next_id += 1
        if reply_to:
            message["reply_to_message"] = reply_to
        if p and p.get("protect_content"):
            message["has_protected_content"] = True
        message.update(content)
        chat.messages[message["message_id"]] = message
        return message

    def _bot_send(self, p: dict, content_of: Callable[[_Chat], dict]) -> dict:
        """The common path of every method that posts a message: checks in Telegram's order, then the post."""
        chat = self._chat_for_send(p.get("chat_id"))
        thread = self._topic_thread(p, chat)
        content = content_of(chat)
        if thread is not None:
            content.update(message_thread_id=thread, is_topic_message=True)
        markup = self._markup(p, chat)
        reply_to = self._reply_target(p, chat)
        self._check_rate(chat)
        if markup:
            content["reply_markup"] = markup
        return _copy(self._new_message(chat, self.bot_user, content, p, reply_to))

    # ------------------------------------------------------------------------------------------------ topics
    def _topic_thread(self, p: dict, chat: _Chat) -> int | None:
        """The topic a message is sent to (message_thread_id), checked: it must exist in the chat and be open."""
        thread = p.get("message_thread_id")
        if thread is None or thread == "":
            return None
        topic = chat.topics.get(int(thread)) if str(thread).lstrip("-").isdigit() else None
        if topic is None:
            raise _bad("message thread not found")
        if topic["is_closed"]:
            raise _bad("TOPIC_CLOSED")
        return int(thread)

    def _topic_chat(self, p: dict) -> _Chat:
        """A chat the bot may manage topics in: a forum supergroup, or a private chat with the bot's topic mode
        on (Bot API 9.3); Telegram's 400 otherwise."""
        chat = self._chat_for_send(p.get("chat_id"))
        if chat.private and not self.topics_enabled:
            raise _bad("the chat is not a forum")
        if not chat.private and not chat.info.get("is_forum"):
            raise _bad("the chat is not a forum")
        return chat

    def _topic_of(self, p: dict, chat: _Chat) -> dict:
        thread = p.get("message_thread_id")
        topic = chat.topics.get(int(thread)) if str(thread or "").lstrip("-").isdigit() else None
        if topic is None:
            raise _bad("TOPIC_ID_INVALID")
        return topic

    @staticmethod
    def _topic_name(name: Any) -> str:
        name = "" if name is None else str(name)
        if not name.strip():
            raise _bad("TOPIC_TITLE_EMPTY")
        if len(name) > MAX_TOPIC_NAME:
            raise _bad("TOPIC_TITLE_INVALID")
        return name

    def _m_createForumTopic(self, p: dict) -> dict:
        """A topic in a forum supergroup or (Bot API 9.3) a private chat: its id is that of the service message
        that opens it, which Telegram posts in the chat."""
        chat = self._topic_chat(p)
        name = self._topic_name(p.get("name"))
        color = int(p.get("icon_color") or TOPIC_ICON_COLORS[0])
        if color not in TOPIC_ICON_COLORS:
            raise _bad("TOPIC_ICON_COLOR_INVALID")
        self._check_rate(chat)
        opened = self._new_message(chat, self.bot_user, {"forum_topic_created": {"name": name, "icon_color": color}})
        thread = opened["message_id"]
        opened.update(message_thread_id=thread, is_topic_message=True)
        chat.topics[thread] = {"name": name, "icon_color": color, "is_closed": False}
        return {"message_thread_id": thread, "name": name, "icon_color": color}

    def _m_editForumTopic(self, p: dict) -> bool:
        """Renames a topic (Bot API 9.3: in private chats too); an empty or missing name keeps it."""
        chat = self._topic_chat(p)
        topic = self._topic_of(p, chat)
        if p.get("name"):
            topic["name"] = self._topic_name(p["name"])
            self._new_message(chat, self.bot_user, {"forum_topic_edited": {"name": topic["name"]},
                                                    "message_thread_id": int(p["message_thread_id"]),
                                                    "is_topic_message": True})
        return True

    def _m_closeForumTopic(self, p: dict) -> bool:
        """Closing a topic is a forum supergroup's: the Bot API does not offer it in private chats."""
        chat = self._topic_chat(p)
        if chat.private:
            raise _bad("method is available only for supergroups")
        self._topic_of(p, chat)["is_closed"] = True
        return True

    def _m_deleteForumTopic(self, p: dict) -> bool:
        chat = self._topic_chat(p)
        thread = int(p["message_thread_id"]) if str(p.get("message_thread_id") or "").isdigit() else None
        self._topic_of(p, chat)
        del chat.topics[thread]
        for message_id in [i for i, m in chat.messages.items() if m.get("message_thread_id") == thread]:
            del chat.messages[message_id]
        return True

    def topics(self, chat_id: int) -> dict[int, dict]:
        """The topics of a chat: message_thread_id -> {"name", "icon_color", "is_closed"}."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return {thread: dict(topic) for thread, topic in chat.topics.items()} if chat else {}

    def in_topic(self, chat_id: int, thread: int | None) -> list[dict]:
        """The bot's messages in one topic of a chat (None: those outside any topic), oldest first."""
        return [m for m in self.sent_to(chat_id) if m.get("message_thread_id") == thread
                and "forum_topic_created" not in m and "forum_topic_edited" not in m]

    def _m_sendMessage(self, p: dict) -> dict:
        def content(chat: _Chat) -> dict:
            text, entities = self._text(p)
            body: dict[str, Any] = {"text": text}
            if entities:
                body["entities"] = entities
            return body

        return self._bot_send(p, content)

    def _caption(self, p: dict) -> dict:
        if p.get("caption") in (None, ""):
            return {}
        caption, entities = self._text(p, "caption", "caption_entities", MAX_CAPTION)
        body: dict[str, Any] = {"caption": caption} if caption else {}
        if entities:
            body["caption_entities"] = entities
        return body

    def _input_file(self, p: dict, key: str, folder: str) -> dict:
        value = p.get(key)
        if isinstance(value, UploadedFile):
            if folder == "photos" and _image_size(value.content) is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            return self._store_file(value.content, folder, file_name=value.file_name,
                                    mime_type=None if value.content_type == "application/octet-stream"
                                    else value.content_type)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and re.match(r"https?://", value):
            name = urllib.parse.urlsplit(value).path.rsplit("/", 1)[-1] or "file"
            return self._store_file(b"", folder, file_name=name)
        if value in (None, ""):
            raise _bad(f'parameter "{key}" is required')
        raise _bad("wrong file identifier/HTTP URL specified")

    def _m_sendDocument(self, p: dict) -> dict:
        def content(chat: _Chat) -> dict:
            file = self._input_file(p, "document", "documents")
            document = {k: file[k] for k in ("file_name", "mime_type", "file_id", "file_unique_id", "file_size")
                        if file.get(k) is not None}
            return {"document": document, **self._caption(p)}

        return self._bot_send(p, content)

    def _m_sendPhoto(self, p: dict) -> dict:
        def content(chat: _Chat) -> dict:
            value = p.get("photo")
            if isinstance(value, str) and value in self._files:
                sizes = self._files[value].get("sizes") or [self._size_of(self._files[value])]
            else:
                file = self._input_file(p, "photo", "photos")
                sizes = self._photo_sizes(file["content"], file)
            return {"photo": sizes, **self._caption(p)}

        return self._bot_send(p, content)

    def _m_copyMessage(self, p: dict) -> dict:
        source_chat = self._known_chat(p.get("from_chat_id"))
        source = self._stored(source_chat, p.get("message_id"), "message to copy not found")

        def content(chat: _Chat) -> dict:
            kept = {k: _copy(v) for k, v in source.items() if k in (
                "text", "entities", "caption", "caption_entities", "document", "photo", "video", "audio", "voice",
                "sticker", "animation", "contact", "location")}
            if not kept:
                raise _bad("message can't be copied")
            if "caption" in p:
                kept.pop("caption", None)
                kept.pop("caption_entities", None)
                kept.update(self._caption(p))
            return kept

        return {"message_id": self._bot_send(p, content)["message_id"]}

    def _m_forwardMessage(self, p: dict) -> dict:
        source_chat = self._known_chat(p.get("from_chat_id"))
        source = self._stored(source_chat, p.get("message_id"), "message to forward not found")

        def content(chat: _Chat) -> dict:
            kept = {k: _copy(v) for k, v in source.items() if k not in (
                "message_id", "from", "chat", "date", "reply_to_message", "edit_date", "reply_markup",
                "forward_origin")}
            origin = source.get("forward_origin") or {"type": "user", "sender_user": _copy(source["from"]),
                                                      "date": source["date"]}
            return {"forward_origin": origin, **kept}

        return self._bot_send(p, content)

    def _m_sendChatAction(self, p: dict) -> bool:
        self._chat_for_send(p.get("chat_id"))
        if p.get("action") not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _bot_message(self, p: dict, action: str) -> tuple[_Chat, dict]:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._chat_for_send(p.get("chat_id"))
        message = self._stored(chat, p.get("message_id"), f"message to {action} not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad(f"message can't be {action}ed")
        return chat, message

    @staticmethod
    def _apply_edit(message: dict, changes: dict) -> dict:
        """Apply changes (key -> new value, None removes); 'not modified' when nothing changes."""
        if all(message.get(k) == v for k, v in changes.items()):
            raise _bad("message is not modified: specified new message content and reply markup are exactly the "
                       "same as a current content and reply markup of the message")
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return _copy(message)

    def _m_editMessageText(self, p: dict) -> dict:
        chat, message = self._bot_message(p, "edit")
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._text(p)
        return self._apply_edit(message, {"text": text, "entities": entities or None,
                                          "reply_markup": self._markup(p, chat)})

    def _m_editMessageCaption(self, p: dict) -> dict:
        chat, message = self._bot_message(p, "edit")
        if not any(k in message for k in ("document", "photo", "video", "audio", "animation", "voice")):
            raise _bad("there is no caption in the message to edit")
        caption = self._caption(p)
        return self._apply_edit(message, {"caption": caption.get("caption"),
                                          "caption_entities": caption.get("caption_entities"),
                                          "reply_markup": self._markup(p, chat)})

    def _m_editMessageReplyMarkup(self, p: dict) -> dict:
        chat, message = self._bot_message(p, "edit")
        return self._apply_edit(message, {"reply_markup": self._markup(p, chat)})

    def _m_deleteMessage(self, p: dict) -> bool:
        chat = self._known_chat(p.get("chat_id"))
        message = self._stored(chat, p.get("message_id"), "message to delete not found")
        if not chat.private and message.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be deleted")
        del chat.messages[message["message_id"]]
        return True

    def _m_deleteMessages(self, p: dict) -> bool:
        chat = self._known_chat(p.get("chat_id"))
        ids = p.get("message_ids") or []
        if not 1 <= len(ids) <= 100:
            raise _bad("message identifiers are not specified")
        for message_id in ids:
            chat.messages.pop(int(message_id), None)
        return True

    # ------------------------------------------------------------------------------------------------ pins
    def _m_pinChatMessage(self, p: dict) -> bool:
        """Adds a message to the chat's pinned messages: in a private chat, any message but a service one. The
        chat gets Telegram's service message saying so (`pinned_message`)."""
        chat = self._chat_for_send(p.get("chat_id"))
        message = self._stored(chat, p.get("message_id"), "message to pin not found")
        if "pinned_message" in message:
            raise _bad("message can't be pinned")
        if not chat.private:
            raise _bad("not enough rights to manage pinned messages in the chat")
        if message["message_id"] in chat.pinned:
            chat.pinned.remove(message["message_id"])
        chat.pinned.append(message["message_id"])
        pinned = {k: v for k, v in message.items() if k != "reply_to_message"}
        self._new_message(chat, self.bot_user, {"pinned_message": _copy(pinned)})
        return True

    def _m_unpinChatMessage(self, p: dict) -> bool:
        """Removes a message from the pinned ones; without message_id, the most recent pinned one (by sending
        date)."""
        chat = self._known_chat(p.get("chat_id"))
        if p.get("message_id") in (None, ""):
            pinned = [chat.messages[i] for i in chat.pinned if i in chat.messages]
            if pinned:
                chat.pinned.remove(max(pinned, key=lambda m: (m["date"], m["message_id"]))["message_id"])
            return True
        message = self._stored(chat, p.get("message_id"), "message to unpin not found")
        if message["message_id"] in chat.pinned:
            chat.pinned.remove(message["message_id"])
        return True

    def _m_unpinAllChatMessages(self, p: dict) -> bool:
        self._known_chat(p.get("chat_id")).pinned.clear()
        return True

    def pinned(self, chat_id: int) -> list[int]:
        """The chat's pinned messages (still there), the most recently pinned last."""
        with self._lock:
            chat = self._chats.get(chat_id)
            return [i for i in chat.pinned if i in chat.messages] if chat else []

    def _m_answerCallbackQuery(self, p: dict) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if query is None or query["answered"]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        query["answered"] = True
        self.answers.append(Answer(query_id, text, bool(p.get("show_alert", False)), p.get("url"),
                                   p.get("cache_time")))
        return True

    # -------------------------------------------------------------------------------------------------- files
    def _store_file(self, content: bytes, folder: str, *, file_name: str | None = None,
                    mime_type: str | None = None) -> dict:
        n = next(self._file_counter)
        prefix = {"documents": "BQACAgIAAxkBAAI", "photos": "AgACAgIAAxkBAAI"}.get(folder, "CAACAgIAAxkBAAI")
        extension = ".jpg" if folder == "photos" else ""  # Telegram re-encodes photos as JPEG
        if folder != "photos" and file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        file = {"file_id": f"{prefix}{n:06d}{self.bot_id % 100000:05d}", "file_unique_id": f"AgAD{n:06d}",
                "file_size": len(content), "file_path": f"{folder}/file_{n}{extension}", "content": bytes(content),
                "file_name": file_name, "mime_type": mime_type}
        self._files[file["file_id"]] = file
        self._files_by_path[file["file_path"]] = file
        return file

    @staticmethod
    def _size_of(file: dict) -> dict:
        width, height = _image_size(file["content"]) or (800, 600)
        return {"file_id": file["file_id"], "file_unique_id": file["file_unique_id"], "file_size": file["file_size"],
                "width": width, "height": height}

    def _photo_sizes(self, content: bytes, file: dict | None = None) -> list[dict]:
        """A thumbnail and the full size, like Telegram's PhotoSize arrays (both files hold the sent bytes)."""
        with self._lock:
            full = file or self._store_file(content, "photos")
            width, height = _image_size(content) or (800, 600)
            sizes = []
            if max(width, height) > 90:
                scale = 90 / max(width, height)
                thumb = self._store_file(content, "photos")
                sizes.append({"file_id": thumb["file_id"], "file_unique_id": thumb["file_unique_id"],
                              "file_size": len(content), "width": max(1, round(width * scale)),
                              "height": max(1, round(height * scale))})
            sizes.append({"file_id": full["file_id"], "file_unique_id": full["file_unique_id"],
                          "file_size": len(content), "width": width, "height": height})
            for size in sizes:
                self._files[size["file_id"]]["sizes"] = sizes
            return _copy(sizes)

    def _m_getFile(self, p: dict) -> dict:
        if self.files_down:
            raise _ApiError(502, "Bad Gateway")
        file = self._files.get(str(p.get("file_id") or ""))
        if file is None:
            raise _bad("invalid file_id")
        if file["file_size"] > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {k: file[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    # ----------------------------------------------------------------------------------------------- payments
    def _invoice(self, p: dict) -> dict:
        for key in ("title", "description", "payload", "currency"):
            if p.get(key) in (None, ""):
                raise _bad(f'parameter "{key}" is required')
        if not 1 <= len(p["title"]) <= 32:
            raise _bad("INVOICE_TITLE_INVALID")  # the code Telegram uses here is not documented
        if not 1 <= len(p["description"]) <= 255:
            raise _bad("INVOICE_DESCRIPTION_INVALID")  # idem
        if not 1 <= len(str(p["payload"]).encode("utf-8")) <= 128:
            raise _bad("INVOICE_PAYLOAD_INVALID")  # idem
        prices = p.get("prices")
        if not isinstance(prices, list) or not prices or not all(
                isinstance(x, dict) and isinstance(x.get("amount"), int) and "label" in x for x in prices):
            raise _bad("can't parse prices JSON object")
        currency = str(p["currency"])
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise _bad("CURRENCY_INVALID")
        total = sum(x["amount"] for x in prices)
        if currency == "XTR":
            if p.get("provider_token"):
                raise _bad("PAYMENT_PROVIDER_INVALID")
            if len(prices) != 1 or p.get("max_tip_amount") or p.get("suggested_tip_amounts"):
                raise _bad("STARS_INVOICE_INVALID")
            if not 1 <= total <= self.stars_max_amount:
                raise _bad("CURRENCY_TOTAL_AMOUNT_INVALID")
        else:
            if not p.get("provider_token"):
                raise _bad("PAYMENT_PROVIDER_INVALID")
            if total <= 0:
                raise _bad("CURRENCY_TOTAL_AMOUNT_INVALID")
        return {"title": p["title"], "description": p["description"], "payload": str(p["payload"]),
                "currency": currency, "total_amount": total, "prices": _copy(prices)}

    def _m_sendInvoice(self, p: dict) -> dict:
        invoice: dict = {}

        def content(chat: _Chat) -> dict:
            invoice.update(self._invoice(p))
            shown = {"title": invoice["title"], "description": invoice["description"],
                     "start_parameter": p.get("start_parameter") or "", "currency": invoice["currency"],
                     "total_amount": invoice["total_amount"]}
            return {"invoice": shown}

        message = self._bot_send(p, content)
        invoice["chat_id"] = message["chat"]["id"]
        self._invoices[(message["chat"]["id"], message["message_id"])] = invoice
        self._invoices_by_payload[invoice["payload"]] = invoice
        return message

    def _m_createInvoiceLink(self, p: dict) -> str:
        invoice = self._invoice(p)
        link = f"https://t.me/$Fake{len(self._invoice_links) + 1:04d}{abs(hash(invoice['payload'])) % 10**8:08d}"
        self._invoice_links[link] = invoice
        self._invoices_by_payload[invoice["payload"]] = invoice
        return link

    def _m_answerPreCheckoutQuery(self, p: dict) -> bool:
        query_id = str(p.get("pre_checkout_query_id") or "")
        query = self._pre_checkouts.pop(query_id, None)
        ok = bool(p.get("ok"))
        if query is None or time.monotonic() > query["deadline"]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if not ok and not p.get("error_message"):
            raise _bad('parameter "error_message" is required')
        self.pre_checkout_answers.append({"pre_checkout_query_id": query_id, "ok": ok,
                                          "error_message": p.get("error_message")})
        if ok:
            user: SimUser = query["user"]
            paid = {"currency": query["currency"], "total_amount": query["total_amount"],
                    "invoice_payload": query["payload"], "telegram_payment_charge_id": query["charge_id"],
                    "provider_payment_charge_id": ""}
            chat = self._private_chat(query["chat_id"]) if query["chat_id"] > 0 else self._chats[query["chat_id"]]
            message = self._new_message(chat, user.to_dict(), {"successful_payment": paid})
            self._queue({"message": _copy(message)})
            self.payments.append({**paid, "user_id": user.id, "chat_id": chat.info["id"], "refunded": False})
        return True

    def _m_refundStarPayment(self, p: dict) -> bool:
        charge_id = str(p.get("telegram_payment_charge_id") or "")
        payment = next((x for x in self.payments if x["telegram_payment_charge_id"] == charge_id
                        and x["user_id"] == p.get("user_id")), None)
        if payment is None:
            raise _bad("CHARGE_NOT_FOUND")  # unknown charge: the exact code is not documented
        if payment["refunded"]:
            raise _bad("CHARGE_ALREADY_REFUNDED")
        payment["refunded"] = True
        self.refunds.append({"user_id": payment["user_id"], "telegram_payment_charge_id": charge_id})
        user = self._users[payment["user_id"]]
        chat = self._chats[payment["chat_id"]]
        refunded = {k: payment[k] for k in ("currency", "total_amount", "invoice_payload",
                                             "telegram_payment_charge_id")}
        message = self._new_message(chat, user.to_dict(), {"refunded_payment": refunded})
        self._queue({"message": _copy(message)})
        return True

    # ------------------------------------------------------------------------------------- simulated user side
    @staticmethod
    def _message_key(message: Any) -> tuple[int, int]:
        if isinstance(message, dict):
            return message["chat"]["id"], message["message_id"]
        return message.chat_id, message.message_id

    def _user_chat(self, user: SimUser, chat_id: int | None) -> _Chat:
        chat_id = user.id if chat_id is None else chat_id
        if chat_id == user.id:
            chat = self._private_chat(chat_id)
            chat.info = user.chat_dict()
            if chat.blocked:  # the user presses "Restart": Telegram unblocks the bot
                self.unblock(chat_id)
            chat.started = True
            return chat
        if chat_id not in self._chats:
            raise ValueError(f"unknown chat {chat_id}: add it with fake.add_chat()")
        return self._chats[chat_id]

    def _user_message(self, user: SimUser, content: dict, *, chat_id: int | None = None,
                      reply_to: Any = None, topic: int | None = None) -> dict:
        with self._lock:
            chat = self._user_chat(user, chat_id)
            if topic is not None:
                if topic not in chat.topics:
                    raise ValueError(f"no topic {topic} in chat {chat.info['id']}")
                if chat.topics[topic]["is_closed"]:
                    raise ValueError(f"topic {topic} is closed: nobody can write in it")
                content = {**content, "message_thread_id": topic, "is_topic_message": True}
            target = None
            if reply_to is not None:
                found = chat.messages.get(self._message_key(reply_to)[1])
                if found is None:
                    raise ValueError("the message to reply to is not in the chat (deleted?)")
                target = _copy(found)
                target.pop("reply_to_message", None)
            message = self._new_message(chat, user.to_dict(), _copy(content), reply_to=target)
            self._queue({"message": _copy(message)})
            return _copy(message)

    def _user_edit(self, user: SimUser, message: Any, text: str) -> dict:
        with self._lock:
            chat_id, message_id = self._message_key(message)
            stored = self._chats[chat_id].messages.get(message_id)
            if stored is None or stored.get("from", {}).get("id") != user.id:
                raise ValueError("a user can only edit their own messages")
            stored["text"] = text
            stored["edit_date"] = int(time.time())
            entities = _detect_entities(text)
            if entities:
                stored["entities"] = entities
            else:
                stored.pop("entities", None)
            self._queue({"edited_message": _copy(stored)})
            return _copy(stored)

    def _press(self, user: SimUser, message: Any, callback_data: str, *, check: bool) -> str:
        with self._lock:
            chat_id, message_id = self._message_key(message)
            chat = self._user_chat(user, chat_id)
            stored = chat.messages.get(message_id)
            if check:
                if stored is None:
                    raise ValueError(f"message {message_id} is not in chat {chat_id} any more: nothing to press")
                datas = [data for row in self.buttons(stored) for _, data in row]
                if callback_data not in datas:
                    raise ValueError(f"no button with callback_data {callback_data!r}; the message has {datas}")
            query_id = str(4_000_000_000_000_000_000 + next(self._query_counter) * 1_000_003 + user.id)
            query: dict[str, Any] = {"id": query_id, "from": user.to_dict(),
                                     "chat_instance": str(-6_000_000_000_000_000_000 + abs(chat_id)),
                                     "data": callback_data}
            if stored is not None:
                query["message"] = _copy(stored)
            self._callback_queries[query_id] = {"answered": False, "user_id": user.id}
            self._queue({"callback_query": query})
            return query_id

    def _pay(self, user: SimUser, invoice: Any, total_amount: int | None, currency: str) -> str:
        with self._lock:
            if isinstance(invoice, str):
                known = self._invoice_links.get(invoice) or self._invoices_by_payload.get(invoice)
                payload = known["payload"] if known else invoice
                chat_id = (known or {}).get("chat_id", user.id)
            else:
                key = self._message_key(invoice)
                known = self._invoices.get(key)
                if known is None:
                    raise ValueError(f"message {key} is not an invoice the bot sent")
                payload, chat_id = known["payload"], key[0]
            if total_amount is None:
                if known is None:
                    raise ValueError("total_amount is needed for an invoice the fake has not seen")
                total_amount = known["total_amount"]
            self._user_chat(user, user.id)
            n = next(self._query_counter)
            query_id = str(7_000_000_000_000_000_000 + n * 1_000_003 + user.id)
            charge_id = f"stxFake{n:06d}{user.id}{int(time.time() * 1000) % 10**9:09d}"
            self._pre_checkouts[query_id] = {"user": user, "payload": payload, "currency": currency,
                                             "total_amount": total_amount, "charge_id": charge_id,
                                             "chat_id": chat_id,
                                             "deadline": time.monotonic() + self.pre_checkout_timeout}
            self._queue({"pre_checkout_query": {"id": query_id, "from": user.to_dict(), "currency": currency,
                                                "total_amount": total_amount, "invoice_payload": payload}})
            return charge_id
