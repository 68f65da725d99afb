"""`comptoir demo`: the roads of bots.roads played on a temporary database, with a simulated clock.

Six orders take every road of the order process — acceptance timeout, a late order cancelled,
two refused cancellations into a moderator's split, a delivery with the chat blocked then a
revision, silence completing an order, and one order across Telegram and Discord — through the
real service, storage, timers and outbox relay. Only the chat platforms are replaced by the
console: it prints what each person would see, in French or English. (The same roads played
through the real adapters are the transcripts of docs/journeys/.)
"""

from __future__ import annotations

import tempfile
from dataclasses import replace

from bots.config import Config
from bots.files import name_of
from bots.render import button_labels, notice_text, zone
from bots.roads import (
    OFFERS, PEOPLE, ROADS, START, ConfirmsPayment, GoesAway, Looks, Orders, Presses, Road, Step, SwitchesDigest,
    Visits, Waits, Writes, announce, said,
)
from bots.runtime import Runtime, build
from core import labels
from core.card import order_card, render_text, when
from core.events import Refusal
from core.i18n import N_, Money, span, translate
from core.ledger import COMMISSION, escrow, seller
from core.model import Viewer
from core.offers import WATCH
from core.ports import ManualClock, Outgoing
from core.stats import seller_stats
from core.people import Account
from core.today import DIGEST_BACK, DIGEST_OFF, TodayCard, TodayMessage

RULE = "─" * 72


class Console:
    """A Notifier for every platform at once: prints each message as its recipient would read it."""

    def __init__(self, platform: str, show) -> None:
        self.platform = platform
        self.show = show
        self.service = None
        self.names: dict[str, str] = {}
        self.count = 0

    async def send(self, message: Outgoing) -> str:
        card = self.service.notice_card(message)
        who = self.names.get(message.account_id, message.account_id)
        role = translate(labels.ROLE[message.role], message.language)
        self.show(f"\n  📨 {who} ({role} · {self.platform.capitalize()})")
        for line in notice_text(message, card, self.service.clock.now()).splitlines():
            self.show(f"  │ {line}")
        buttons = button_labels(card, message.language) + [c.label.render(message.language) for c in message.buttons]
        if buttons:
            self.show("  │ " + " ".join(f"[{b}]" for b in buttons))
        for ref in message.files:
            self.show(f"  │ 📎 {name_of(ref)}")
        self.count += 1
        return str(self.count)


class ConsoleToday:
    """A TodayDesk for every platform at once (bots.today): prints each person's Today card when it is drawn."""

    def __init__(self, platform: str, out, names: dict[str, str], clock) -> None:
        self.platform, self.out, self.names, self.clock = platform, out, names, clock
        self.count = 0

    async def show_card(self, account: Account, card: TodayCard, edited: bool) -> None:
        lang = account.language
        what = N_("{name}'s Today card, edited in place") if edited else N_("{name}'s Today card, pinned")
        self.out(f"\n  📌 {translate(what, lang).format(name=self.names.get(account.id, account.display_name))} "
                  f"({self.platform.capitalize()})")
        for line in card.text(lang, zone(account.timezone), self.clock.now()).splitlines():
            self.out(f"  │ {line}")
        self.out("  │ " + " ".join(f"[{c.label.render(lang)}]" for c in (*card.buttons, card.toggle)))

    async def show(self, account: Account, chat_id: str, card: TodayCard, where: TodayMessage | None,
                   fresh: bool = False) -> TodayMessage:
        await self.show_card(account, card, edited=where is not None and not fresh)
        if where is not None and not fresh:
            return where
        self.count += 1
        return TodayMessage(account.id, self.platform, chat_id, str(self.count))


class Demo:
    def __init__(self, lang: str, show=print) -> None:
        self.lang = lang
        self.show = show

    def say(self, msgid: str, indent: str = "", **params) -> None:
        self.show(indent + translate(msgid, self.lang).format(**params))

    def title(self, text: str) -> None:
        self.show(f"\n{RULE}\n{text}\n{RULE}")

    async def run(self) -> None:
        with tempfile.TemporaryDirectory(prefix="comptoir-demo-") as folder:
            self.clock = ManualClock(START)
            consoles = {p: Console(p, self.show) for p in ("telegram", "discord")}
            self.rt: Runtime = build(Config(database_url=f"sqlite+aiosqlite:///{folder}/demo.sqlite3"), self.clock,
                                     consoles)
            await self.rt.store.migrate()
            try:
                await self.cast(consoles)
                for number, road in enumerate(ROADS, 1):
                    self.title(f"{number}. {translate(road.title, self.lang)}")
                    await self.play(road)
                await self.books()
            finally:
                await self.rt.store.close()

    async def cast(self, consoles) -> None:
        """Everyone of bots.roads on their platform, in the demo's language; the marketplace's offers."""
        self.people: dict[str, Account] = {}
        async with self.rt.store.unit_of_work() as uow:
            for number, person in enumerate(PEOPLE.values(), 1):
                external = str((2000 if person.platform == "discord" else 1000) + number)
                chat = f"dm-{external}" if person.platform == "discord" else external
                account = await uow.accounts.ensure(
                    person.platform, external, name=person.name, chat_id=chat, language=self.lang,
                    moderator=person.moderator)
                await uow.accounts.set_preferences(account.id, timezone=person.timezone)  # each chose their zone
                self.people[person.key] = await uow.accounts.get(account.id)
            for offer in OFFERS.values():
                await uow.save_offer(replace(offer, seller=self.people[offer.seller].id))
            await uow.commit()
        for console in consoles.values():
            console.service = self.rt.service
            console.names = {account.id: account.display_name for account in self.people.values()}
        self.title(translate(N_("Comptoir demo — a marketplace with Ana and Sam (sellers), Ben and Chloé (buyers), "
                                "Mo (moderator)"), self.lang))
        self.say(N_("Ben, Ana and Mo use Telegram, Chloé and Sam use Discord. Every deadline is real; the clock "
                    "is simulated."))

    # the plumbing every step uses

    async def settle(self, today: bool = False) -> None:
        """What the running bot does in the background: fire due timers, send queued notifications, (on the Today
        road) draw the Today cards and send the morning digests."""
        await self.rt.timekeeper.drain()
        await self.rt.relay.drain()
        if today:
            await self.rt.today_poll()
            await self.rt.relay.drain()

    def viewer(self, key: str) -> Viewer:
        """As the marketplace's config would have it: the cast says who moderates (accounts never do)."""
        return Viewer(self.people[key].id, moderator=PEOPLE[key].moderator)

    async def play(self, road: Road) -> None:
        """A road through the service: its numbers drawn as the journeys draw them, so both tell the same order."""
        self.rt.service.ids = road.ids()
        self.checkout = self.order_id = None
        desks = self.rt.today_poll.desks
        if road.today:  # the earlier roads' cards as drawn already (quietly), then each drawn where people read
            await self.rt.today_poll()
            names = {account.id: account.display_name for account in self.people.values()}
            desks.update({p: ConsoleToday(p, self.show, names, self.clock) for p in ("telegram", "discord")})
        try:
            for step in road.steps:
                self.show("")
                self.show(announce(step, self.lang, self.clock.now(), self.rt.config.settings.tip_cap_percent))
                await self.step(step)
                await self.settle(today=road.today)
        finally:
            desks.clear()

    async def step(self, step: Step) -> None:
        if isinstance(step, Orders):
            self.checkout = await self.rt.service.checkout(
                self.viewer(step.who), "manual", offer_id=step.offer, options=step.options,
                tip=step.tip(self.rt.config.settings.tip_cap_percent), brief=said(step.brief, self.lang),
                files=step.files)
            self.refused(self.checkout)
        elif isinstance(step, ConfirmsPayment):
            placed = await self.rt.service.confirm_payment(self.checkout.id, self.viewer(step.who))
            self.refused(placed)
            self.order_id = placed.order.id
        elif isinstance(step, Presses):
            self.refused(await self.rt.service.act(self.order_id, step.action, self.viewer(step.who),
                                                   step.payload(self.lang)))
        elif isinstance(step, Writes):
            await self.writes(step)
        elif isinstance(step, Waits):
            self.clock.advance(step.after(self.clock.now()))
        elif isinstance(step, Looks):
            await self.looks(step)
        elif isinstance(step, GoesAway):
            await self.goes_away(step)
        elif isinstance(step, Visits):
            await self.visits(step)
        elif isinstance(step, SwitchesDigest):
            card = await self.rt.todays.set_digest(self.viewer(step.who), step.on)
            answer = translate(DIGEST_BACK if step.on else DIGEST_OFF, self.lang)
            self.show(f"  │ {answer.format(at=card.digest_at.strftime('%H:%M'))}")

    async def goes_away(self, step: GoesAway) -> None:
        """The seller's /away, and what it answers them."""
        person = self.people[step.who]
        first, last = step.typed(self.clock.now(), zone(person.timezone), self.lang)
        done = await self.rt.availability.go_away(self.viewer(step.who), first, last, said(step.message, self.lang),
                                                  person.timezone)
        self.refused(done)
        for line in await self.rt.availability.status(self.viewer(step.who)):
            self.show(f"  │ {line.render(self.lang, zone(person.timezone))}")

    async def visits(self, step: Visits) -> None:
        """The offer's page as the visitor reads it; paused, they ask to be told when it reopens."""
        person = self.people[step.who]
        shown = await self.rt.storefront.view(step.offer, self.viewer(step.who))
        self.refused(shown)
        if isinstance(shown, Refusal):
            return
        if shown.note:
            self.show(f"  │ {shown.note.render(self.lang, zone(person.timezone))}")
        if WATCH in shown.actions:
            told = await self.rt.availability.watch(step.offer, self.viewer(step.who))
            self.show(f"  │ {told.render(self.lang)}")

    def refused(self, result) -> None:
        if isinstance(result, Refusal):
            self.say(N_("✋ refused: {reason}"), "  ", reason=result.render(self.lang))

    async def writes(self, step: Writes) -> None:
        person = self.people[step.who]
        text = said(step.text, self.lang)
        sent = await self.rt.service.say(self.order_id, self.viewer(step.who), text,
                                        PEOPLE[step.who].platform, step.files)
        if isinstance(sent, Refusal):
            self.say(N_("⛔ not sent: {reason}"), "  ", reason=sent.reason.render(self.lang))
            decision = await self.rt.service.chat(self.order_id, self.viewer(step.who))
            if decision.until:
                self.say(N_("until {date}"), "  ", date=when(decision.until, self.clock.now(), zone(person.timezone),
                                                         self.lang))
            if decision.unblock:
                self.say(N_("buttons that reopen it: {buttons}"), "  ",
                         buttons=" ".join(f"[{translate(labels.ACTION[a], self.lang)}]" for a in decision.unblock))
        elif sent.flagged:
            self.say(N_("🚩 contact details masked and flagged to moderators: “{text}”"), "  ", text=sent.text)

    async def looks(self, step: Looks) -> None:
        person = self.people[step.who]
        order = await self.rt.service.order(self.order_id)
        card = order_card(order, self.viewer(step.who), self.clock.now(), self.rt.config.settings)
        for line in render_text(card, self.lang, zone(person.timezone), self.clock.now()).splitlines():
            self.show(f"  │ {line}")
        if card.buttons:
            self.show("  │ " + " ".join(f"[{b}]" for b in button_labels(card, self.lang)))

    async def books(self) -> None:
        self.title(translate(N_("The books"), self.lang))
        ana = self.people["ana"]
        async with self.rt.store.unit_of_work() as uow:
            balances = await uow.balances()
            events = []
            for order in await uow.orders_of(ana.id, limit=100):
                events += await uow.events(order.id)
        euros = lambda amount: Money(amount, "EUR").render(self.lang)  # noqa: E731
        held = sum(v for k, v in balances.items() if k.startswith("escrow:"))
        refunded = sum(v for k, v in balances.items() if k.startswith("refunds:"))
        for key in dict.fromkeys(offer.seller for offer in OFFERS.values()):
            self.say(N_("Paid to {name}: {amount}"), name=PEOPLE[key].name,
                     amount=euros(balances.get(seller(self.people[key].id), 0)))
        self.say(N_("Refunded to buyers: {amount}"), amount=euros(refunded))
        self.say(N_("Still held in escrow: {amount}"), amount=euros(held))
        self.say(N_("Commission: {amount}"), amount=euros(balances.get(COMMISSION, 0)))
        self.say(N_("Sum of every ledger account: {total} (double entry: always zero)"),
                 total=sum(balances.values()))
        stats = seller_stats(ana.id, events)
        self.say(N_("Ana's statistics: {orders} orders, on-time deliveries {on_time} ({extended} within an "
                    "extended deadline, {late} late), completion rate {completion}, median time to accept {accept}"),
                 orders=stats.orders, on_time=_percent(stats.on_time_rate), extended=stats.extended, late=stats.late,
                 completion=_percent(stats.completion_rate),
                 accept=span(stats.median_time_to_accept, self.lang) if stats.median_time_to_accept else "—")
        assert held == 0 and sum(balances.values()) == 0 and escrow("none") not in balances


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


async def main(lang: str = "en", show=print) -> None:
    await Demo(lang, show).run()
