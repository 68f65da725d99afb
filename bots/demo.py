"""`comptoir demo`: a scripted marketplace on a temporary database, with a simulated clock.

Five orders take every road of the order process — acceptance timeout, a late order cancelled,
two refused cancellations into a moderator's split, a delivery with the chat blocked then a
revision, and silence completing an order — through the real service, storage, timers and
outbox relay. Only the chat platforms are replaced by the console: it prints what each person
would see, in French or English.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone

from bots.config import Config
from bots.render import button_labels, card_for, notice_text, zone
from bots.runtime import Runtime, build
from core import labels
from core.card import order_card, render_text, span, when
from core.events import Outcome, Refusal
from core.i18n import N_, Money, translate
from core.ledger import COMMISSION, escrow, seller
from core.model import Action, Offer, Option, Payload, Viewer
from core.ports import ManualClock, Outgoing
from core.service import Service
from core.stats import seller_stats
from storage.accounts import Account

START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
RULE = "─" * 72


class Console:
    """A Notifier for every platform at once: prints each message as its recipient would read it."""

    def __init__(self, platform: str, show) -> None:
        self.platform = platform
        self.show = show
        self.service: Service | None = None
        self.names: dict[str, str] = {}
        self.count = 0

    async def send(self, message: Outgoing) -> str:
        card = await card_for(self.service, message)
        who = self.names.get(message.account_id, message.account_id)
        role = translate(labels.ROLE[message.role], message.language)
        self.show(f"\n  📨 {who} ({role} · {self.platform.capitalize()})")
        for line in notice_text(message, card, self.service.clock.now()).splitlines():
            self.show(f"  │ {line}")
        buttons = button_labels(card, message.language)
        if buttons:
            self.show("  │ " + " ".join(f"[{b}]" for b in buttons))
        self.count += 1
        return str(self.count)


class Demo:
    def __init__(self, lang: str, show=print) -> None:
        self.lang = lang
        self.show = show

    def say(self, msgid: str, indent: str = "", **params) -> None:
        self.show(indent + translate(msgid, self.lang).format(**params))

    def title(self, msgid: str, **params) -> None:
        self.show(f"\n{RULE}\n{translate(msgid, self.lang).format(**params)}\n{RULE}")

    async def run(self) -> None:
        with tempfile.TemporaryDirectory(prefix="comptoir-demo-") as folder:
            self.clock = ManualClock(START)
            consoles = {p: Console(p, self.show) for p in ("telegram", "discord")}
            self.rt: Runtime = build(Config(database_url=f"sqlite+aiosqlite:///{folder}/demo.sqlite3"), self.clock,
                                     consoles)
            await self.rt.store.migrate()
            try:
                await self.cast(consoles)
                for scene in (self.acceptance_timeout, self.late_order, self.refused_twice, self.chat_and_revision,
                              self.silence_completes):
                    await scene()
                await self.books()
            finally:
                await self.rt.store.close()

    async def cast(self, consoles) -> None:
        async with self.rt.store.unit_of_work() as uow:
            add = uow.accounts.ensure
            self.ana = await add("telegram", "1001", name="Ana", chat_id="1001", language=self.lang,
                                 timezone="Europe/Paris")
            self.ben = await add("telegram", "1002", name="Ben", chat_id="1002", language=self.lang,
                                 timezone="America/Montreal")
            self.chloe = await add("discord", "2003", name="Chloé", chat_id="dm-2003", language=self.lang,
                                   timezone="Europe/Brussels")
            self.mo = await add("telegram", "1009", name="Mo", chat_id="1009", language=self.lang,
                                timezone="Europe/Paris", moderator=True)
            offers = [
                Offer("logo", self.ana.id, "Logo", "A vector logo", 12_000, "EUR", 3,
                      (Option("source", "Source files", 3_000, 1),), revisions=2),
                Offer("flyer", self.ana.id, "Flyer", "A printable flyer", 5_000, "EUR", 1),
                Offer("site", self.ana.id, "Landing page", "A one-page website", 40_000, "EUR", 5),
                Offer("translate", self.ana.id, "Translation", "1,000 words EN→FR", 6_000, "EUR", 2),
            ]
            for offer in offers:
                await uow.save_offer(offer)
            await uow.commit()
        for console in consoles.values():
            console.service = self.rt.service
            console.names = {p.id: p.display_name for p in (self.ana, self.ben, self.chloe, self.mo)}
        self.title(N_("Comptoir demo — a marketplace with Ana (seller), Ben and Chloé (buyers), Mo (moderator)"))
        self.say(N_("Ben and Ana use Telegram, Chloé uses Discord. Every deadline is real; the clock is simulated."))

    # the plumbing every scene uses

    async def settle(self) -> None:
        """What the running bot does in the background: fire due timers, send queued notifications."""
        await self.rt.timekeeper.drain()
        await self.rt.relay.drain()

    async def later(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        hours = int(delta.total_seconds() // 3600)
        self.show("")
        self.say(N_("⏩ {hours} h later ({date} UTC)"), hours=hours, date=self.clock.now().strftime("%Y-%m-%d %H:%M"))
        await self.settle()

    def who(self, person: Account) -> Viewer:
        return Viewer(person.id, moderator=person.id == self.mo.id)  # the cast's moderator, as the config says

    async def order(self, buyer: Account, offer_id: str, options=(), tip=0, brief="") -> str:
        offer = await self._offer(offer_id)
        price = offer.price + sum(o.price for o in offer.options if o.id in options)
        result = await self.rt.service.place(offer_id, self.who(buyer), paid=price + tip, options=tuple(options),
                                             tip=tip, brief=brief, payment_ref="demo")
        assert isinstance(result, Outcome), result.render(self.lang)
        self.show("")
        self.say(N_("▶ {name} orders “{title}” and pays {amount}."), name=buyer.display_name, title=offer.title,
                 amount=Money(price + tip, offer.currency).render(self.lang))
        await self.settle()
        return result.order.id

    async def _offer(self, offer_id: str) -> Offer:
        async with self.rt.store.unit_of_work() as uow:
            return await uow.offer(offer_id)

    async def press(self, person: Account, order_id: str, action: Action, payload: Payload = Payload(),
                    after: timedelta | None = None) -> None:
        """`after`: the time this person took before pressing (the clock moves, due timers fire)."""
        if after:
            await self.later(after)
        self.show("")
        self.say(N_("▶ {name} presses [{button}]"), name=person.display_name,
                 button=translate(labels.ACTION[action], self.lang))
        result = await self.rt.service.act(order_id, action, self.who(person), payload)
        if isinstance(result, Refusal):
            self.say(N_("✋ refused: {reason}"), "  ", reason=result.render(self.lang))
        await self.settle()

    async def chat(self, person: Account, order_id: str, text: str) -> None:
        self.show("")
        self.say(N_("💬 {name} writes: “{text}”"), name=person.display_name, text=text)
        said = await self.rt.service.say(order_id, self.who(person), text, "telegram")
        if isinstance(said, Refusal):
            self.say(N_("⛔ not sent: {reason}"), "  ", reason=said.reason.render(self.lang))
            decision = await self.rt.service.chat(order_id, self.who(person))
            if decision.until:
                self.say(N_("until {date}"), "  ", date=when(decision.until, self.clock.now(), zone(person.timezone),
                                                         self.lang))
            if decision.unblock:
                self.say(N_("buttons that reopen it: {buttons}"), "  ",
                         buttons=" ".join(f"[{translate(labels.ACTION[a], self.lang)}]" for a in decision.unblock))
        elif said.flagged:
            self.say(N_("🚩 contact details masked and flagged to moderators: “{text}”"), "  ", text=said.text)
        await self.settle()

    async def card(self, person: Account, order_id: str) -> None:
        order = await self.rt.service.order(order_id)
        card = order_card(order, self.who(person), self.clock.now(), self.rt.config.settings)
        self.show("")
        self.say(N_("👀 {name}'s card:"), name=person.display_name)
        for line in render_text(card, self.lang, zone(person.timezone), self.clock.now()).splitlines():
            self.show(f"  │ {line}")
        if card.buttons:
            self.show("  │ " + " ".join(f"[{b}]" for b in button_labels(card, self.lang)))

    # the scenes

    async def acceptance_timeout(self) -> None:
        self.title(N_("1. Ana never accepts: reminders, then the order is cancelled and Ben refunded"))
        order_id = await self.order(self.ben, "logo", brief="A fox for my bakery, orange and white.")
        await self.later(timedelta(hours=24))
        await self.later(timedelta(hours=22))
        await self.later(timedelta(hours=2))

    async def late_order(self) -> None:
        self.title(N_("2. A late order: the deadline passes, Chloé cancels it for a full refund"))
        order_id = await self.order(self.chloe, "flyer", brief="A5 flyer for a concert on 14 March.")
        await self.press(self.ana, order_id, Action.ACCEPT, after=timedelta(hours=2))
        await self.later(timedelta(hours=24))
        await self.press(self.chloe, order_id, Action.CANCEL_LATE, Payload(text="Too late for the concert."))

    async def refused_twice(self) -> None:
        self.title(N_("3. Two refused cancellation requests open a dispute; Mo splits the funds"))
        order_id = await self.order(self.ben, "site", brief="One page for my bakery: hours, map, menu.")
        await self.press(self.ana, order_id, Action.ACCEPT, after=timedelta(hours=5))
        await self.press(self.ben, order_id, Action.REQUEST_CANCELLATION, Payload(text="I found a template."),
                         after=timedelta(hours=20))
        await self.press(self.ana, order_id, Action.REFUSE_CANCELLATION, Payload(text="Half the work is done."))
        await self.press(self.ben, order_id, Action.REQUEST_CANCELLATION, Payload(text="Please, I insist."))
        await self.press(self.ana, order_id, Action.REFUSE_CANCELLATION, Payload(text="I will deliver tomorrow."))
        await self.press(self.mo, order_id, Action.TAKE_DISPUTE)
        await self.chat(self.mo, order_id, "Ana, how far along are you? Ben, what do you need now?")
        await self.press(self.mo, order_id, Action.SPLIT,
                         Payload(text="Half the work was done: half is refunded.", amount=20_000))

    async def chat_and_revision(self) -> None:
        self.title(N_("4. Delivery closes the chat; a revision reopens it; the order is completed with a review"))
        order_id = await self.order(self.chloe, "logo", options=("source",), tip=1_500,
                                    brief="A logo for my cat café, green.")
        await self.press(self.ana, order_id, Action.ACCEPT, after=timedelta(hours=1))
        await self.chat(self.ana, order_id, "Hi Chloé! Any font you like? Or mail me at ana.design@example.com")
        await self.press(self.ana, order_id, Action.DELIVER, Payload(text="Here is your logo.", files=("logo.svg",)),
                         after=timedelta(days=2))
        await self.chat(self.chloe, order_id, "Thanks! Could the cat be bigger?")
        await self.press(self.chloe, order_id, Action.REQUEST_REVISION, Payload(text="A bigger cat, please."))
        await self.chat(self.chloe, order_id, "A bigger cat, and a darker green.")
        await self.press(self.ana, order_id, Action.ACCEPT_REVISION, after=timedelta(hours=3))
        await self.press(self.ana, order_id, Action.DELIVER, Payload(text="Bigger cat, darker green.",
                                                                     files=("logo-v2.svg",)), after=timedelta(days=1))
        await self.press(self.chloe, order_id, Action.COMPLETE, Payload(positive=True, text="Lovely work!"),
                         after=timedelta(hours=4))
        await self.press(self.ana, order_id, Action.REPLY_REVIEW, Payload(text="Thank you, Chloé!"))
        await self.card(self.chloe, order_id)

    async def silence_completes(self) -> None:
        self.title(N_("5. Ben says nothing after the delivery: the order completes itself and Ana is paid"))
        order_id = await self.order(self.ben, "translate", brief="My menu, 900 words.")
        await self.press(self.ana, order_id, Action.ACCEPT, after=timedelta(hours=3))
        await self.press(self.ana, order_id, Action.DELIVER, Payload(text="Translated menu attached.",
                                                                     files=("menu-fr.pdf",)), after=timedelta(days=1))
        await self.later(timedelta(days=5))
        await self.later(timedelta(days=1))
        await self.later(timedelta(days=1))

    async def books(self) -> None:
        self.title(N_("The books"))
        async with self.rt.store.unit_of_work() as uow:
            balances = await uow.balances()
            events = []
            for order in await uow.orders_of(self.ana.id, limit=100):
                events += await uow.events(order.id)
        euros = lambda amount: Money(amount, "EUR").render(self.lang)  # noqa: E731
        held = sum(v for k, v in balances.items() if k.startswith("escrow:"))
        refunded = sum(v for k, v in balances.items() if k.startswith("refunds:"))
        self.say(N_("Paid to Ana: {amount}"), amount=euros(balances.get(seller(self.ana.id), 0)))
        self.say(N_("Refunded to buyers: {amount}"), amount=euros(refunded))
        self.say(N_("Still held in escrow: {amount}"), amount=euros(held))
        self.say(N_("Commission: {amount}"), amount=euros(balances.get(COMMISSION, 0)))
        self.say(N_("Sum of every ledger account: {total} (double entry: always zero)"),
                 total=sum(balances.values()))
        stats = seller_stats(self.ana.id, events)
        self.say(N_("Ana's statistics: {orders} orders, on-time deliveries {on_time}, completion rate {completion}, "
                    "median time to accept {accept}"),
                 orders=stats.orders, on_time=_percent(stats.on_time_rate), completion=_percent(stats.completion_rate),
                 accept=span(stats.median_time_to_accept, self.lang) if stats.median_time_to_accept else "—")
        assert held == 0 and sum(balances.values()) == 0 and escrow("none") not in balances


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"



async def main(lang: str = "en", show=print) -> None:
    await Demo(lang, show).run()
