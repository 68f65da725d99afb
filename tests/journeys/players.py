"""Playing a road through the real adapters, as the people do it: each step of bots.roads becomes the gestures a
person makes on their platform — a command, a button pressed by the label they read on the newest message
that carries it, a form or dialog answered, a message written — and after each gesture the bot's background
work runs (due timers, the outbox) and what everyone was shown is written down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import discord
import simcord

from bots import roads
from bots.roads import (
    ConfirmsPayment, GoesAway, Looks, Orders, Presses, Step, SwitchesDigest, Visits, Waits, Writes, announce, said,
)
from bots.routing import FILTERS
from core import labels
from core.card import NEEDS
from core.i18n import N_, translate
from core.table import Needs
from core.today import TURN_OFF, TURN_ON
from tests.journeys.recording import DiscordRecorder, Reader, Seen, TelegramRecorder
from tests.journeys.stage import Stage
from tests.journeys.transcript import Chapter, Gesture, Played

Label = str | Callable[[str], bool]  # a label, or what the label a person looks for says


def content(name: str) -> bytes:
    """A file's bytes: what they are does not matter, that they travel does."""
    return f"{name}\n".encode()


def matches(label: Label, text: str) -> bool:
    return label(text) if callable(label) else text == label


class Journey:
    """Plays one road on one stage and keeps what everyone was shown after each gesture."""

    def __init__(self, stage: Stage) -> None:
        self.stage, self.lang, self.road = stage, stage.lang, stage.road
        self.played = Played({key: member.platform for key, member in stage.cast.items()})
        self.recorders: list = []
        self.hands = {}
        if stage.telegram is not None:
            chats = {m.telegram.id: key for key, m in stage.cast.items() if m.telegram}
            self.telegram = TelegramRecorder(stage.telegram.fake, chats)
            self.recorders.append(self.telegram)
            self.hands["telegram"] = TelegramHands(self)
        if stage.discord is not None:
            users = {m.discord.id: key for key, m in stage.cast.items() if m.discord}
            self.discord = DiscordRecorder(stage.discord.env, users, {
                key: self.reader(key) for key, m in stage.cast.items() if m.discord})
            self.recorders.append(self.discord)
            self.hands["discord"] = DiscordHands(self)
        self.order_id: str | None = None

    def reader(self, key: str) -> Reader:
        member = self.stage.cast[key]

        def names(kind: str, ident: int) -> str:
            if kind == "#":
                channel = self.stage.discord.env.backend.channels.get(ident)
                return f"#{channel.name}" if channel else "#?"
            user = self.stage.discord.env.backend.users.get(ident)
            return f"@{user.name}" if user else "@?"

        return Reader(self.lang, ZoneInfo(member.person.timezone), self.stage.clock.now, names)

    def t(self, msgid: str, **params) -> str:
        return translate(msgid, self.lang).format(**params)

    async def do(self, who: str | None, msgid: str | None, action: Callable[[], Awaitable[object]],
                 on=None, typed=(), **params) -> object:
        """A gesture: done, then the bot's background work, then what everyone was shown since the last one."""
        done = await action()
        await self.stage.settle()
        seen = [pair for recorder in self.recorders for pair in recorder.collect()]
        if isinstance(done, simcord.InteractionResult) and done.modal is not None:
            seen.append((who, form_seen(done.modal)))
        self.played.chapters[-1].gestures.append(Gesture(who, msgid, params, on, tuple(typed), seen))
        return done

    async def play(self) -> Played:
        for step in self.road.steps:
            heading = announce(step, self.lang, self.stage.clock.now(), self.stage.rt.config.settings.tip_cap_percent)
            self.played.chapters.append(Chapter(heading))
            await self.step(step)
        return self.played

    async def step(self, step: Step) -> None:
        if isinstance(step, Waits):
            async def later() -> None:
                self.stage.clock.advance(step.after(self.stage.clock.now()))
            await self.do(None, None, later)
            return
        hands = self.hands[self.stage.cast[step.who].platform]
        if isinstance(step, Orders):
            await hands.orders(step)
        elif isinstance(step, ConfirmsPayment):
            await hands.confirms(step)
            await self.find_order()
        elif isinstance(step, Presses):
            await hands.presses(step)
        elif isinstance(step, Writes):
            await hands.writes(step)
        elif isinstance(step, Looks):
            await hands.looks(step)
        elif isinstance(step, GoesAway):
            first, last = step.typed(self.stage.clock.now(), ZoneInfo(self.stage.cast[step.who].person.timezone),
                                     self.lang)
            await hands.goes_away(step.who, first, last, said(step.message, self.lang))
        elif isinstance(step, Visits):
            await hands.visits(step)
        elif isinstance(step, SwitchesDigest):
            await hands.press(step.who, self.t(TURN_ON if step.on else TURN_OFF))

    async def find_order(self) -> None:
        buyer = next(s.who for s in self.road.steps if isinstance(s, Orders))
        async with self.stage.rt.store.unit_of_work() as uow:
            [order] = await uow.orders_of(self.stage.cast[buyer].account.id, limit=1)
        self.order_id = order.id

    def amount(self, minor: int) -> str:
        """An amount as a person types it: 200.00, or 200,00 in French."""
        typed = f"{minor // 100}.{minor % 100:02d}"
        return typed.replace(".", ",") if self.lang == "fr" else typed


def form_seen(modal: dict) -> Seen:
    """A Discord form as its reader sees it: its title, each field's label (and help), what it already holds."""
    fields = []
    for row in modal.get("components", []):
        item = row.get("component") or {}
        label = row.get("label") or item.get("label") or ""
        if row.get("description"):
            label += f" ({row['description']})"
        if item.get("type") == 3:
            value = " | ".join(o["label"] for o in item.get("options", []))
        elif item.get("type") == 19:
            value = "📎"
        else:
            value = item.get("value") or ""
        fields.append((label, value))
    return Seen("form", note=modal.get("title", ""), fields=tuple(fields))


# --- Telegram ---------------------------------------------------------------------------------------

class TelegramHands:
    def __init__(self, journey: Journey) -> None:
        self.j = journey
        self.side = journey.stage.telegram

    def user(self, key: str):
        return self.j.stage.cast[key].telegram

    async def _after(self, act: Callable[[], object]) -> None:
        act()
        await self.side.handled()

    async def send(self, key: str, text: str, topic: int | None = None) -> None:
        user = self.user(key)
        await self.j.do(key, roads.SENDS_IN_TOPIC if topic else roads.SENDS,
                        lambda: self._after(lambda: user.send(text, topic=topic)), text=text,
                        topic=self.side.fake.topics(user.id)[topic]["name"] if topic else "")

    def order_topic(self, key: str) -> int | None:
        """The order's topic in this person's chat, where they write about it (None: the bot has no topics)."""
        prefix = f"#{self.j.order_id} "
        return next((thread for thread, topic in self.side.fake.topics(self.user(key).id).items()
                     if topic["name"].startswith(prefix)), None)

    async def send_file(self, key: str, name: str, caption: str = "", topic: int | None = None) -> None:
        user = self.user(key)
        await self.j.do(key, roads.SENDS_FILE_WITH if caption else roads.SENDS_FILE, lambda: self._after(
            lambda: user.send_document(name, content(name), caption=caption or None, topic=topic)), file=name,
                        text=caption)

    def newest(self, key: str, label: Label) -> tuple[dict, str, str]:
        """The newest message in this person's chat with a button so labelled: (message, label, its data)."""
        for message in reversed(self.side.fake.sent_to(self.user(key).id)):
            for row in self.side.fake.buttons(message):
                for text, data in row:
                    if matches(label, text):
                        return message, text, data
        raise AssertionError(f"no button {label!r} for {key}")

    async def press(self, key: str, label: Label) -> None:
        message, text, data = self.newest(key, label)
        user = self.user(key)

        async def pressing() -> None:
            query = user.press(message, data)
            self.j.telegram.pressed[query] = key
            await self.side.handled()

        await self.j.do(key, roads.PRESSES_ON, pressing, on=(user.id, message["message_id"]), button=text)

    async def orders(self, step: Orders) -> None:
        key, offer, t = step.who, roads.OFFERS[step.offer], self.j.t
        await self.send(key, f"/start offer_{offer.id}")
        await self.press(key, t(N_("Order now")))
        for option in (o for o in offer.options if o.id in step.options):
            await self.press(key, lambda text, o=option: text.startswith("⬜") and o.title in text)
        if offer.options:
            await self.press(key, t(N_("Next")))
        await self.press(key, t(N_("No tip")) if not step.tip_percent else
                         lambda text: text.startswith(f"{step.tip_percent} %"))
        await self.brief(key, said(step.brief, self.j.lang), step.files)
        pay = t(N_("Pay {total}"), total="")
        await self.press(key, lambda text: text.startswith(pay))

    async def brief(self, key: str, text: str, files: tuple[str, ...], topic: int | None = None) -> None:
        """A brief or a delivery: its text, its files, then Done (in the order's topic, where it asked)."""
        if text:
            await self.send(key, text, topic)
        for name in files:
            await self.send_file(key, name, topic=topic)
        await self.press(key, self.j.t(N_("Done")))

    async def confirms(self, step: ConfirmsPayment) -> None:
        await self.press(step.who, self.j.t(N_("Confirm payment")))

    async def presses(self, step: Presses) -> None:
        key, t, text = step.who, self.j.t, said(step.text, self.j.lang)
        label, topic = t(labels.ACTION[step.action]), self.order_topic(key)  # where the dialog asks
        try:
            self.newest(key, label)
        except AssertionError:  # a rare action: one tap further, behind "More…"
            await self.press(key, t(N_("More…")))
        await self.press(key, label)
        needs = NEEDS[step.action]
        if needs is Needs.OPTIONAL_REASON:
            await (self.send(key, text, topic) if text else self.press(key, t(N_("Skip"))))
        elif needs in (Needs.REASON, Needs.TEXT):
            await self.send(key, text, topic)
        elif needs in (Needs.BRIEF, Needs.DELIVERY):
            await self.brief(key, text, step.files, topic)
        elif needs in (Needs.AMOUNT, Needs.DAYS):
            await self.send(key, self.j.amount(step.amount) if needs is Needs.AMOUNT else str(step.days), topic)
            await self.send(key, text, topic)
        elif needs in (Needs.REVIEW, Needs.OPTIONAL_REVIEW):
            if step.positive is None:
                await self.press(key, t(N_("No review")))
                return
            await self.press(key, t(N_("👍 Positive") if step.positive else N_("👎 Negative")))
            await (self.send(key, text, topic) if text else self.press(key, t(N_("Skip"))))

    async def writes(self, step: Writes) -> None:
        text, topic = said(step.text, self.j.lang), self.order_topic(step.who)
        if step.files:
            await self.send_file(step.who, step.files[0], text, topic)
            for name in step.files[1:]:
                await self.send_file(step.who, name, topic=topic)
        else:
            await self.send(step.who, text, topic)

    async def goes_away(self, key: str, first: str, last: str, message: str) -> None:
        await self.send(key, f"/away {first} {last} {message}".strip())

    async def visits(self, step: Visits) -> None:
        await self.send(step.who, f"/start offer_{step.offer}")
        reopens = self.j.t(N_("Tell me when it reopens"))
        try:
            self.newest(step.who, reopens)
        except AssertionError:  # open: nothing to wait for
            return
        await self.press(step.who, reopens)

    async def looks(self, step: Looks) -> None:
        key, entry = step.who, f"#{self.j.order_id}"
        await self.send(key, "/orders")
        for which in ("open", "closed"):
            try:
                self.newest(key, lambda text: text.startswith(entry))
                break
            except AssertionError:
                await self.press(key, self.j.t(FILTERS[which]))
        await self.press(key, lambda text: text.startswith(entry))


# --- Discord ----------------------------------------------------------------------------------------

class DiscordHands:
    def __init__(self, journey: Journey) -> None:
        self.j = journey
        self.side = journey.stage.discord
        self.world = self.side.world

    def member(self, key: str):
        return self.j.stage.cast[key].discord

    def places(self, key: str):
        """Where this person reads the bot: their DMs, the rooms they are in, the marketplace channel."""
        member = self.member(key)
        places = [member.user.dm_channel, self.world.channel]
        backend = self.side.env.backend
        places += [room for room in self.world.channel.threads
                   if member.id in backend.channels[room.id].thread_members]
        return places

    def newest(self, key: str, test: Callable[[object], object]) -> tuple[discord.Message, object]:
        """The newest message this person sees with a component that passes the test: (message, what it found)."""
        member, found = self.member(key), []
        for place in self.places(key):
            for message in place.history(viewer=None if place.guild is None else member):
                for item in walked(message.components):
                    hit = test(item)
                    if hit:
                        found.append((message.id, message, hit))
        if not found:
            raise AssertionError(f"nothing for {key} passes {test}")
        _, message, hit = max(found, key=lambda f: f[0])
        return message, hit

    async def run(self, key: str, shown: str, command: str, **options):
        member = self.member(key)
        return await self.j.do(key, roads.RUNS, lambda: member.slash(self.world.channel, command, **options),
                               command=shown)

    async def press(self, key: str, label: Label):
        message, text = self.newest(key, lambda item: item.type is discord.ComponentType.button
                                    and matches(label, item.label or "") and item.label)
        member = self.member(key)
        clicker = member.user if message.guild is None else member
        result = await self.j.do(key, roads.PRESSES_ON, lambda: clicker.click(message, label=text),
                                 on=("dc", message.id), button=text)
        return result, clicker

    async def choose(self, key: str, labels_wanted: list[Label]) -> None:
        """Picks, in a select menu, the options so labelled."""
        def test(item):
            if item.type is not discord.ComponentType.select:
                return None
            picked = [o for o in item.options if any(matches(w, o.label) for w in labels_wanted)]
            return (item.custom_id, picked) if len(picked) == len(labels_wanted) else None

        message, (custom_id, picked) = self.newest(key, test)
        member = self.member(key)
        clicker = member.user if message.guild is None else member
        await self.j.do(key, roads.CHOOSES_ON, lambda: clicker.select(message, [o.value for o in picked],
                                                                      custom_id=custom_id),
                        on=("dc", message.id), choice=", ".join(o.label for o in picked))

    async def fill(self, key: str, pressed, values: dict) -> None:
        """Fills in the form a press opened, and sends it (as whoever opened it: in a DM, or in the server)."""
        shown, clicker = pressed
        modal = shown.modal
        typed = []
        for row in modal.get("components", []):  # in the form's order
            item = row.get("component") or {}
            custom_id, label = item.get("custom_id"), row.get("label") or ""
            if custom_id not in values:
                continue
            value = values[custom_id]
            if custom_id == "files":
                shown_value = ", ".join(name for name, _ in value)
            elif item.get("type") == 3:
                shown_value = ", ".join(o["label"] for o in item["options"] if o["value"] in value)
            else:
                shown_value = value
            typed.append((label, shown_value))
        await self.j.do(key, roads.FILLS, lambda: clicker.submit_modal(shown, values), typed=typed,
                        form=modal.get("title", ""))

    async def orders(self, step: Orders) -> None:
        key, offer, t = step.who, roads.OFFERS[step.offer], self.j.t
        await self.run(key, f"/{t(N_('offer'))} {t(N_('view'))} {offer.id}", "offer view", offer=offer.id)
        await self.press(key, t(N_("Order now")))
        chosen = [o for o in offer.options if o.id in step.options]
        if chosen:
            await self.choose(key, [lambda text, o=o: text.startswith(o.title) for o in chosen])
        if step.tip_percent:
            await self.choose(key, [lambda text: text.startswith(f"{step.tip_percent} %")])
        form = await self.press(key, t(N_("Write the brief")))
        values = {"text": said(step.brief, self.j.lang)} if step.brief else {}
        if step.files:
            values["files"] = [(name, content(name)) for name in step.files]
        await self.fill(key, form, values)
        confirm = t(N_("Confirm order ({total})"), total="").removesuffix("()")
        await self.press(key, lambda text: text.startswith(confirm))

    async def confirms(self, step: ConfirmsPayment) -> None:
        await self.press(step.who, self.j.t(N_("Confirm payment")))

    async def presses(self, step: Presses) -> None:
        key, text, label = step.who, said(step.text, self.j.lang), self.j.t(labels.ACTION[step.action])
        try:
            self.newest(key, lambda item: item.type is discord.ComponentType.button and item.label == label)
        except AssertionError:  # a rare action: one tap further, behind "More…"
            await self.press(key, self.j.t(N_("More…")))
        form = await self.press(key, label)
        needs = NEEDS[step.action]
        if needs is Needs.NOTHING:
            return
        values = {"text": text} if text else {}
        if step.files:
            values["files"] = [(name, content(name)) for name in step.files]
        if needs is Needs.AMOUNT:
            values["amount"] = self.j.amount(step.amount)
        if needs is Needs.DAYS:
            values["days"] = str(step.days)
        if step.positive is not None:
            values["verdict"] = ["good" if step.positive else "bad"]
        await self.fill(key, form, values)

    async def writes(self, step: Writes) -> None:
        key, text, member = step.who, said(step.text, self.j.lang), self.member(step.who)
        files = [(name, content(name)) for name in step.files]
        rooms = [room for room in self.places(key) if room.is_thread]
        if rooms and not self.locked(rooms[-1]):
            room = rooms[-1]
            await self.j.do(key, roads.WRITES_IN, lambda: member.send(room, text, attachments=files),
                            room=room.name, text=text)
        elif rooms:  # Discord lets nobody but moderators write in a locked room (simcord does not enforce it)
            await self.j.do(key, roads.WRITES_TO_BOT, lambda: member.user.send_dm(text), room=rooms[-1].name,
                            text=text)
        else:
            await self.j.do(key, roads.SENDS, lambda: member.user.send_dm(text), text=text)

    def locked(self, room) -> bool:
        return self.side.env.backend.channels[room.id].thread_metadata.locked

    async def goes_away(self, key: str, first: str, last: str, message: str) -> None:
        t = self.j.t
        shown = f"/{t(N_('away'))} {t(N_('set'))} {first} {last} {message}".strip()
        await self.run(key, shown, "away set", first=first, last=last, message=message)

    async def visits(self, step: Visits) -> None:
        t = self.j.t
        await self.run(step.who, f"/{t(N_('offer'))} {t(N_('view'))} {step.offer}", "offer view", offer=step.offer)
        reopens = t(N_("Tell me when it reopens"))
        try:
            self.newest(step.who, lambda item: item.type is discord.ComponentType.button and item.label == reopens)
        except AssertionError:  # open: nothing to wait for
            return
        await self.press(step.who, reopens)

    async def looks(self, step: Looks) -> None:
        t = self.j.t
        await self.run(step.who, f"/{t(N_('order'))} {self.j.order_id}", "order", number=self.j.order_id)


def walked(components) -> list:
    """discord.py's components of a message, nested ones included (a V2 container's rows, a section's button), in
    the order a person meets them."""
    found = []
    for component in components:
        found.append(component)
        found += walked(getattr(component, "children", None) or [])
        if getattr(component, "accessory", None) is not None:
            found += walked([component.accessory])
    return found
