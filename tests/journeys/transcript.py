"""A road's transcript: for each play, each step; for each thing someone did, what each person received.

Rendered as Markdown in the road's language, deterministic: people in the cast's order (whatever order the
platforms answered in), messages named by their number in what that person has received so far, never by
a platform's id.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from bots import roads
from bots.roads import PEOPLE, Road
from core import labels
from core.i18n import translate
from tests.journeys.recording import Seen, Shown

PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord"}


@dataclass
class Gesture:
    """Something a person did (None: time passed), and what everyone was shown after it."""

    who: str | None
    msgid: str | None = None
    params: dict = field(default_factory=dict)
    on: Hashable | None = None  # the message it was done on (one `who` received)
    typed: tuple[tuple[str, str], ...] = ()  # what they filled a form with
    seen: list[tuple[str, Seen]] = field(default_factory=list)


@dataclass
class Chapter:
    """One step of the road."""

    heading: str
    gestures: list[Gesture] = field(default_factory=list)


@dataclass
class Played:
    platforms: dict[str, str]
    chapters: list[Chapter] = field(default_factory=list)


class Page:
    """The Markdown of one road in one language, written as the plays are read."""

    def __init__(self, road: Road, lang: str) -> None:
        self.road, self.lang = road, lang
        self.lines: list[str] = []

    def t(self, msgid: str, **params) -> str:
        return translate(msgid, self.lang).format(**params)

    def render(self, plays: list[Played]) -> str:
        road = self.road
        self.lines = [f"# {self.t(road.title)}", "", self.t(road.summary), "",
                      "<!-- Written by tests/journeys from what the bots sent; `make journeys` rewrites it. -->", "",
                      f"| {self.t(roads.WHO)} | {self.t(roads.PART)} | {self.t(roads.TIME_ZONE)} |", "|---|---|---|"]
        self.lines += [f"| {PEOPLE[key].name} | {self.t(labels.ROLE[road.role(key)])} | {PEOPLE[key].timezone} |"
                       for key in road.cast]
        for played in plays:
            self.play(played)
        return "\n".join(self.lines).rstrip() + "\n"

    def play(self, played: Played) -> None:
        places = set(played.platforms.values())
        if len(places) == 1:
            title = self.t(roads.ON_PLATFORM, platform=PLATFORM_NAMES[places.pop()])
        else:
            title = ", ".join(self.t(roads.SOMEONE_ON, name=PEOPLE[key].name, platform=PLATFORM_NAMES[platform])
                              for key, platform in played.platforms.items())
        self.lines += ["", f"## {title}"]
        self.numbers: dict[tuple[str, Hashable], int] = {}
        self.count: dict[str, int] = {}
        self.last: dict[tuple[str, Hashable], Shown] = {}
        self.places: dict[tuple[str, Hashable], str] = {}
        for number, chapter in enumerate(played.chapters, 1):
            self.lines += ["", f"### {number}. {chapter.heading}"]
            for gesture in chapter.gestures:
                self.gesture(gesture)

    def gesture(self, gesture: Gesture) -> None:
        if gesture.msgid is not None:
            params = dict(gesture.params)
            if gesture.on is not None:
                params["number"] = self.numbers.get((gesture.who, gesture.on), "?")
            self.lines += ["", f"**{self.t(gesture.msgid, name=PEOPLE[gesture.who].name, **params)}**"]
            if gesture.typed:
                self.lines += [""] + [f"> {label} — {value}" for label, value in gesture.typed]
        by_person: dict[str, list[Seen]] = {}
        for who, seen in gesture.seen:
            by_person.setdefault(who, []).append(seen)
        for who, seens in by_person.items():
            by_person[who] = self.by_place(who, seens)
        if not by_person:
            self.lines += ["", f"_{self.t(roads.NOBODY)}_"]
        for key in self.road.cast:
            if key in by_person:
                self.lines += ["", self.t(roads.RECEIVES, name=PEOPLE[key].name), ""]
                for seen in by_person[key]:
                    self.seen(key, seen)

    def by_place(self, who: str, seens: list[Seen]) -> list[Seen]:
        """A person's private chat first, then each room, each in the order it was shown. The bot sends to
        several chats at once, so which of two chats gets its message first varies from run to run; within
        one chat the order is the bot's, and so is the transcript's."""
        def place(seen: Seen) -> str:
            if seen.kind in ("joined", "locked", "unlocked"):
                found = seen.note
            elif seen.shown is not None:
                found = seen.shown.place
            else:
                found = self.places.get((who, seen.key), "")
            self.places[(who, seen.key)] = found
            return found
        placed = [(place(seen), seen) for seen in seens]
        return [seen for where, seen in sorted(placed, key=lambda pair: (pair[0] != "", pair[0]))]

    def name_of(self, who: str, key: Hashable) -> str:
        number = self.numbers.get((who, key))
        return self.t(roads.MESSAGE, number=number) if number else self.t(roads.AN_EARLIER)

    def seen(self, who: str, seen: Seen) -> None:
        t = self.t
        if seen.kind == "new":
            number = self.count[who] = self.count.get(who, 0) + 1
            self.numbers[(who, seen.key)] = number
            self.last[(who, seen.key)] = seen.shown
            where = [t(roads.MESSAGE, number=number)]
            if seen.shown.place:
                where.append(t(roads.IN_ROOM, room=seen.shown.place))
            if seen.shown.topic:
                where.append(t(roads.IN_TOPIC, topic=seen.shown.topic))
            if seen.shown.author:
                where.append(t(roads.FROM, name=seen.shown.author))
            if seen.shown.only_you:
                where.append(t(roads.ONLY_YOU))
            self.item("✉️ " + ", ".join(where), self.block(seen.shown))
        elif seen.kind == "edit":
            before, message = self.last.get((who, seen.key)), self.name_of(who, seen.key)
            self.last[(who, seen.key)] = seen.shown
            if before is not None and before.source == seen.shown.source:
                if seen.shown.buttons:
                    self.item("✏️ " + t(roads.NOW_BUTTONS, message=message, buttons=self.buttons(seen.shown)))
                else:
                    self.item("✏️ " + t(roads.NO_BUTTONS, message=message))
            else:
                self.item("✏️ " + t(roads.NOW_READS, message=message), self.block(seen.shown))
        elif seen.kind == "delete":
            self.item("🗑 " + (t(roads.OWN_DELETED) if seen.note == "own" else
                              t(roads.DELETED, message=self.name_of(who, seen.key))))
        elif seen.kind == "pinned":
            self.item("📌 " + t(roads.PINNED, message=self.name_of(who, seen.key)))
        elif seen.kind in ("toast", "alert"):
            self.item(("🔔 " if seen.kind == "toast" else "⚠️ ")
                      + t(roads.TOAST if seen.kind == "toast" else roads.ALERT, text=seen.note))
        elif seen.kind == "form":
            self.item("🗔 " + t(roads.FORM, title=seen.note),
                      "\n".join(f"{label} — {value}" if value else label for label, value in seen.fields))
        elif seen.kind == "topic":
            self.item("🗂 " + t(roads.TOPIC_OPENED, topic=seen.note))
        elif seen.kind == "renamed":
            self.item("🗂 " + t(roads.TOPIC_RENAMED, before=seen.before, topic=seen.note))
        elif seen.kind == "joined":
            self.item("➕ " + t(roads.JOINED, room=seen.note))
        elif seen.kind in ("locked", "unlocked"):
            self.item(("🔒 " if seen.kind == "locked" else "🔓 ")
                      + t(roads.LOCKED if seen.kind == "locked" else roads.UNLOCKED, room=seen.note))

    @staticmethod
    def buttons(shown: Shown) -> str:
        return " ".join(f"[{label}]" for row in shown.buttons for label in row)

    @staticmethod
    def block(shown: Shown) -> str:
        lines = shown.text.splitlines() if shown.text else []
        lines += [" ".join(f"[{label}]" for label in row) for row in shown.buttons]
        lines += [f"📎 {name}" for name in shown.files]
        return "\n".join(lines)

    def item(self, head: str, body: str | None = None) -> None:
        self.lines.append(f"- {head}")
        if body is not None:
            self.lines += ["", "  ```text"] + [f"  {line}".rstrip() for line in body.splitlines()] + ["  ```"]
