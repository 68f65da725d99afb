"""What each person was shown, taken from what the bot really sent each platform, in the order it was sent.

Telegram: the fake Bot API's log of calls (sendMessage, sendDocument, sendPhoto, sendInvoice, the edits,
deleteMessage, answerCallbackQuery). Discord: simcord's gateway events (what every client in a channel
receives: messages, edits, deletions, a room's members and lock) and the private (ephemeral) messages an
interaction answered with, which Discord sends to nobody else. A recorder's `collect` returns what was shown
since it last looked, as (person, Seen) in the order it happened; the transcript groups it by person.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import json
import re
from datetime import timedelta

from babel import Locale
from babel.dates import format_datetime, format_timedelta

from tests.fakes.discord_messages import walk

EPHEMERAL = 1 << 6
LOADING = 1 << 7  # a deferred answer's "thinking…" placeholder, replaced by the answer
#: the message types that carry someone's words (not Discord's own notes, like "started a thread")
WORDS = frozenset({0, 19, 20, 23})  # default, reply, a command's answer, a context menu's answer
ACTION_ROW, TEXT_DISPLAY, SECTION, SEPARATOR, CONTAINER = 1, 10, 9, 14, 17
#: Markdown as Discord draws it: a heading's or small print's marks, bold, code's backticks go; an escaped
#: character shows itself
MARKDOWN = re.compile(r"^(?:#{1,3}|-#) |\*\*|`|\\(?P<escaped>[^\w\s])", re.MULTILINE)


@dataclass(frozen=True)
class Shown:
    """A message as its reader sees it: its words, its buttons (rows of labels), its files, and where it is."""

    text: str
    buttons: tuple[tuple[str, ...], ...] = ()
    files: tuple[str, ...] = ()
    place: str = ""  # "" for the person's private chat with the bot; a room's or channel's name otherwise
    author: str = ""  # "" for the bot; the name of a person who wrote it in a room
    only_you: bool = False  # a Discord answer nobody else sees
    #: what the message says before it is drawn for a reader (an edit that keeps it only changed the buttons)
    source: str = field(default="", compare=False)
    topic: str = ""  # the topic of the Telegram private chat it is in, if any


@dataclass(frozen=True)
class Seen:
    """One thing a person was shown. `key` names a message on its platform (for edits and deletions)."""

    kind: str  # new, edit, delete, toast, alert, form, joined, locked, unlocked
    key: Hashable | None = None
    shown: Shown | None = None
    note: str = ""  # a toast's or alert's words, a form's title, a room's name; "own" on a deletion of their own
    fields: tuple[tuple[str, str], ...] = ()  # a form's fields and what they hold
    before: str = ""  # a renamed topic's name before


# --- Telegram ---------------------------------------------------------------------------------------

def with_dates(text: str, entities: list[dict]) -> str:
    """The text with its live dates (date_time entities) shown: ⟪2026-03-04 10:00⟫ a date as written, that the
    app lets its reader open in their own format; ⟪in 2 d⟫⏱ a countdown the app keeps current."""
    units = text.encode("utf-16-le")
    out, at = [], 0
    for entity in sorted((e for e in entities if e["type"] == "date_time"), key=lambda e: e["offset"]):
        start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
        mark = "⏱" if entity.get("date_time_format") == "r" else ""
        out += [units[at:start].decode("utf-16-le"), f"⟪{units[start:end].decode('utf-16-le')}⟫{mark}"]
        at = end
    return "".join(out) + units[at:].decode("utf-16-le")


def telegram_shown(message: dict, topic: str = "") -> Shown:
    text = with_dates(message.get("text") or "", message.get("entities", [])) or message.get("caption") or ""
    files = []
    if "document" in message:
        files.append(message["document"].get("file_name") or "file")
    if "photo" in message:
        files.append("photo.jpg")
    if "invoice" in message:
        invoice = message["invoice"]
        amount = f"{invoice['total_amount']} {invoice['currency']}"
        text = f"🧾 {invoice['title']} — {invoice['description']} — {amount}"
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return Shown(text, tuple(tuple(b.get("text", "") for b in row) for row in rows), tuple(files), topic=topic,
                 source=json.dumps([text, files]))


class TelegramRecorder:
    """Reads the fake Bot API's log of calls from where it last stopped."""

    def __init__(self, fake, people: dict[int, str]) -> None:
        self.fake = fake
        self.people = people  # private chat id -> person
        self.pressed: dict[str, str] = {}  # callback query id -> who pressed (answers carry no user)
        self.topics: dict[tuple[int, int], str] = {}  # (chat, topic) -> its name now
        self.cursor = len(fake.requests)

    def collect(self) -> list[tuple[str, Seen]]:
        with self.fake._lock:
            requests = self.fake.requests[self.cursor:]
            self.cursor += len(requests)
        seen = []
        for request in requests:
            if not request.response.get("ok"):
                continue  # refused by Telegram: nobody saw anything
            params, result = request.params, request.response["result"]
            if request.method in ("sendMessage", "sendDocument", "sendPhoto", "sendInvoice"):
                seen += self._message("new", result)
            elif request.method in ("editMessageText", "editMessageCaption", "editMessageReplyMarkup"):
                seen += self._message("edit", result)
            elif request.method == "pinChatMessage" and int(params["chat_id"]) in self.people:
                chat = int(params["chat_id"])
                seen.append((self.people[chat], Seen("pinned", (chat, int(params["message_id"])))))
            elif request.method == "deleteMessage" and int(params["chat_id"]) in self.people:
                chat = int(params["chat_id"])
                seen.append((self.people[chat], Seen("delete", (chat, int(params["message_id"])))))
            elif request.method == "createForumTopic" and int(params["chat_id"]) in self.people:
                chat = int(params["chat_id"])
                self.topics[(chat, result["message_thread_id"])] = result["name"]
                seen.append((self.people[chat], Seen("topic", note=result["name"])))
            elif request.method == "editForumTopic" and int(params["chat_id"]) in self.people:
                chat, thread = int(params["chat_id"]), int(params["message_thread_id"])
                before, self.topics[(chat, thread)] = self.topics.get((chat, thread), ""), params["name"]
                seen.append((self.people[chat], Seen("renamed", note=params["name"], before=before)))
            elif request.method == "answerCallbackQuery" and params.get("text"):
                kind = "alert" if params.get("show_alert") else "toast"
                seen.append((self.pressed[str(params["callback_query_id"])], Seen(kind, note=params["text"])))
        return seen

    def _message(self, kind: str, message: dict) -> list[tuple[str, Seen]]:
        chat = message["chat"]["id"]
        if chat not in self.people:
            return []  # a chat of nobody in the cast
        topic = self.topics.get((chat, message.get("message_thread_id", 0)), "")
        return [(self.people[chat], Seen(kind, (chat, message["message_id"]), telegram_shown(message, topic)))]


# --- Discord ----------------------------------------------------------------------------------------

TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
MENTION = re.compile(r"<(@!?|#|@&)(\d+)>")


def relative(delta: timedelta, lang: str) -> str:
    """A countdown as Discord shows it: "in 2 days", "3 hours ago", "now"."""
    if abs(delta) < timedelta(minutes=1):
        return Locale.parse(lang)._data["date_fields"]["second"]["relative"][0]  # CLDR's "now": no public getter
    return format_timedelta(delta, add_direction=True, locale=lang)


@dataclass
class Reader:
    """Whose eyes a Discord message is drawn for: Discord shows dates in the reader's zone and language."""

    lang: str
    zone: ZoneInfo
    now: Callable[[], datetime]
    names: Callable[[str, int], str]  # ("@" | "#" | "@&", id) -> the name Discord shows

    def text(self, text: str) -> str:
        def moment(found: re.Match) -> str:
            at = datetime.fromtimestamp(int(found[1]), timezone.utc)
            if found[2] == "R":
                return relative(at - self.now(), self.lang)
            pattern = "d MMMM y HH:mm" if found[2] == "f" else "EEEE d MMMM y HH:mm"  # f: without the weekday
            return format_datetime(at, pattern, tzinfo=self.zone, locale=self.lang)

        text = TIMESTAMP.sub(moment, text)
        return MENTION.sub(lambda found: self.names(found[1].rstrip("!"), int(found[2])), text)


def discord_shown(message: dict, reader: Reader, place: str = "", author: str = "") -> Shown:
    """A message payload (content, embeds, components, attachments) as this reader sees it."""
    parts = [reader.text(message.get("content") or "")] if message.get("content") else []
    for embed in message.get("embeds") or []:
        lines = [embed.get("title") or "", embed.get("description") or ""]
        lines += [f"{field['name']} — {' · '.join(field['value'].splitlines())}"
                  for field in embed.get("fields", [])]
        if embed.get("footer"):
            lines.append(f"— {embed['footer']['text']}")
        parts.append("\n".join("▌ " + reader.text(line) for line in "\n".join(x for x in lines if x).splitlines()))
    for component in message.get("components") or []:  # a Components V2 layout: its container, boxed like an embed
        if component.get("type") == CONTAINER:
            lines = "\n".join(layout_lines(component.get("components") or []))
            parts.append("\n".join("▌ " + reader.text(line) for line in lines.splitlines()))
    rows = []
    for row in rows_of(message):
        labels = []
        for item in row:
            if item.get("type") == 2:
                labels.append(item.get("label") or "")
            elif item.get("type") == 3:
                chosen = [o["label"] for o in item.get("options", []) if o.get("default")]
                options = " | ".join(o["label"] for o in item.get("options", []))
                labels.append(f"▾ {item.get('placeholder') or ''}: {options}" + (f" ✔ {', '.join(chosen)}"
                                                                                  if chosen else ""))
        if labels:
            rows.append(tuple(labels))
    files = tuple(a.get("filename", "") for a in message.get("attachments") or [])
    ephemeral = bool(int(message.get("flags") or 0) & EPHEMERAL)
    texts = [c for c in walk(message.get("components") or []) if c.get("type") in (TEXT_DISPLAY, SECTION)]
    source = json.dumps([message.get("content"), message.get("embeds"), files, texts], sort_keys=True, default=str)
    return Shown("\n\n".join(parts), tuple(rows), files, place, author, ephemeral, source)


def layout_lines(components: list[dict]) -> list[str]:
    """A V2 container's texts as Discord draws them: Markdown read (a heading, bold, code, escapes), a line where
    a separator is, a button beside its text (a section's) right after it; the rows of buttons come apart."""
    lines = []
    for component in components:
        kind = component.get("type")
        if kind == TEXT_DISPLAY:
            lines.append(MARKDOWN.sub(lambda found: found["escaped"] or "", component["content"]))
        elif kind == SEPARATOR:
            lines.append("────────")
        elif kind == SECTION:
            accessory = component.get("accessory") or {}
            beside = f"  [{accessory['label']}]" if accessory.get("type") == 2 else ""
            lines.append("\n".join(layout_lines(component.get("components") or [])) + beside)
    return lines


def rows_of(message: dict) -> list[list[dict]]:
    """The rows of buttons a person sees: a legacy message's rows, a V2 container's (a section's button is drawn
    beside its text)."""
    found = []
    for component in message.get("components") or []:
        children = component.get("components") or []
        if component.get("type") == CONTAINER:
            found += [row.get("components") or [] for row in children if row.get("type") == ACTION_ROW]
        else:
            found.append(children)
    return found


@dataclass
class Room:
    name: str
    members: set[int] = field(default_factory=set)
    locked: bool = False
    said: list[dict] = field(default_factory=list)  # this gesture's messages, for whoever joins before it ends


class DiscordRecorder:
    """simcord's gateway events since the last look, and the private answers, which the gateway never carries.

    The private answers are caught where simcord stores a message (its backend's commit and edit), with the place
    they take among the gateway events; simcord is pinned (pyproject.toml), these are its 3.2 internals."""

    def __init__(self, env, people: dict[int, str], readers: dict[str, Reader]) -> None:
        self.backend = env.backend
        self.people = people  # Discord user id -> person
        self.readers = readers
        self.rooms: dict[int, Room] = {}
        self.shown_to: dict[str, set] = {}  # the messages each person has seen (an update of another is new to them)
        self.written: dict[tuple, str] = {}  # the messages people wrote in a room: who wrote each
        self.private: list[tuple[int, str, dict]] = []  # (place among the gateway events, kind, message)
        self.cursor = len(self.backend.transcript)
        self._hook()

    def _hook(self) -> None:
        backend, private = self.backend, self.private
        commit, edit = backend.commit_message, backend.edit_message

        def snapshot(message) -> dict:
            return {"id": message.id, "channel_id": message.channel_id, "content": message.content,
                    "embeds": [dict(e) for e in message.embeds], "components": list(message.components),
                    "attachments": list(message.attachments), "flags": message.flags,
                    "interaction_metadata": message.interaction_metadata}

        def committed(message, **kwargs):
            stored = commit(message, **kwargs)
            if stored.is_ephemeral and not stored.flags & LOADING:
                private.append((len(backend.transcript), "new", snapshot(stored)))
            return stored

        def edited(channel_id, message_id, fields):
            stored = edit(channel_id, message_id, fields)
            if stored.is_ephemeral:
                private.append((len(backend.transcript), "edit", snapshot(stored)))
            return stored

        backend.commit_message, backend.edit_message = committed, edited

    def collect(self) -> list[tuple[str, Seen]]:
        events = self.backend.transcript[self.cursor:]
        start, self.cursor = self.cursor, self.cursor + len(events)
        answers = [a for a in self.private if a[0] <= self.cursor]
        del self.private[:len(answers)]
        seen: list[tuple[str, Seen]] = []
        for room in self.rooms.values():
            room.said.clear()
        for index, (kind, name, payload) in enumerate(events, start):
            while answers and answers[0][0] <= index:
                seen += self._answer(*answers.pop(0)[1:])
            if kind == "GATEWAY":
                seen += self._event(name, payload)
        for answer in answers:
            seen += self._answer(*answer[1:])
        return seen

    def _answer(self, kind: str, message: dict) -> list[tuple[str, Seen]]:
        who = self.people.get(int(message["interaction_metadata"]["user"]["id"]))
        if who is None:
            return []
        key, known = ("dc", message["id"]), self.shown_to.setdefault(who, set())
        seen_kind = "new" if kind == "new" or key not in known else "edit"
        known.add(key)
        return [(who, Seen(seen_kind, key, discord_shown(message, self.readers[who])))]

    def _event(self, name: str, payload: dict) -> list[tuple[str, Seen]]:
        if name == "THREAD_CREATE":
            self.rooms[int(payload["id"])] = Room(payload.get("name") or "")
            return []
        if name == "THREAD_MEMBERS_UPDATE":
            return self._joined(int(payload["id"]), payload.get("added_members") or [])
        if name == "THREAD_UPDATE":
            return self._lock(int(payload["id"]), bool((payload.get("thread_metadata") or {}).get("locked")))
        if name in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            return self._message(name, payload)
        if name == "MESSAGE_DELETE":
            key = ("dc", int(payload["id"]))
            seen = [(who, Seen("delete", key)) for who in self._audience(int(payload["channel_id"]), None)
                    if key in self.shown_to.get(who, set())]
            if key in self.written:  # the person who wrote it sees it go too
                seen.insert(0, (self.written.pop(key), Seen("delete", key, note="own")))
            return seen
        return []

    def _audience(self, channel_id: int, author: int | None) -> list[str]:
        """Who sees a message of this channel: a DM's person, a room's members, a channel's everyone."""
        room = self.rooms.get(channel_id)
        if room is not None:
            ids = room.members
        else:
            channel = self.backend.channels.get(channel_id)
            ids = set(getattr(channel, "recipient_ids", []) or []) if channel and channel.guild_id is None \
                else set(self.people)
        return [self.people[i] for i in sorted(ids, key=list(self.people).index) if i in self.people and i != author]

    def _message(self, name: str, payload: dict) -> list[tuple[str, Seen]]:
        if int(payload.get("flags") or 0) & EPHEMERAL or payload.get("type", 0) not in WORDS:
            return []
        channel_id, message_id = int(payload["channel_id"]), int(payload["id"])
        author = int(payload["author"]["id"])
        by_bot = payload["author"].get("bot", False)
        room = self.rooms.get(channel_id)
        if room is not None and name == "MESSAGE_CREATE":
            room.said.append(payload)
        if not by_bot and author in self.people:
            self.written[("dc", message_id)] = self.people[author]
        seen = []
        for who in self._audience(channel_id, author):
            key = ("dc", message_id)
            kind = "new" if name == "MESSAGE_CREATE" or key not in self.shown_to.setdefault(who, set()) else "edit"
            seen.append((who, self._seen(who, kind, payload, room, None if by_bot else author)))
        return seen

    def _seen(self, who: str, kind: str, payload: dict, room: Room | None, author: int | None) -> Seen:
        key = ("dc", int(payload["id"]))
        self.shown_to.setdefault(who, set()).add(key)
        shown = discord_shown(payload, self.readers[who], room.name if room else "",
                              self.readers[who].names("@", author).lstrip("@") if author else "")
        return Seen(kind, key, shown)

    def _joined(self, thread_id: int, added: list[dict]) -> list[tuple[str, Seen]]:
        room = self.rooms.setdefault(thread_id, Room(self.backend.channels[thread_id].name or ""))
        seen = []
        for member in added:
            user_id = int(member.get("user_id") or member.get("id"))
            room.members.add(user_id)
            who = self.people.get(user_id)
            if who is None:
                continue
            seen.append((who, Seen("joined", note=room.name)))
            for earlier in room.said:  # what was said in the room this moment, before they were added
                author = int(earlier["author"]["id"])
                if author != user_id:
                    seen.append((who, self._seen(who, "new", earlier, room,
                                                 None if earlier["author"].get("bot") else author)))
        return seen

    def _lock(self, thread_id: int, locked: bool) -> list[tuple[str, Seen]]:
        room = self.rooms.get(thread_id)
        if room is None or room.locked == locked:
            return []
        room.locked = locked
        return [(who, Seen("locked" if locked else "unlocked", note=room.name))
                for who in self._audience(thread_id, None)]
