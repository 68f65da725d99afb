"""The roads of the order process as data: who takes part, and what each person does, step by step.

One definition of each road, two players: `comptoir demo` plays them through the service and prints what
each person would read (bots.demo); the journey tests play them through the real Telegram and Discord
adapters and keep what each person received as the reviewed transcripts of docs/journeys/. The words
that tell a road (its title, its steps, a transcript's gestures) are here too, so both tell it alike.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from core import labels
from core.checkout import quote, tip_choices
from core.i18n import N_, Money, translate
from core.model import Action, Offer, Option, Payload, Role

START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)  # a Monday, 09:00 in Paris
PLATFORMS = ("telegram", "discord")


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    timezone: str
    platform: str  # where the demo has them (a road may say otherwise: `Road.platforms`)
    moderator: bool = False


PEOPLE = {p.key: p for p in (
    Person("ana", "Ana", "Europe/Paris", "telegram"),
    Person("ben", "Ben", "America/Montreal", "telegram"),
    Person("chloe", "Chloé", "Europe/Brussels", "discord"),
    Person("sam", "Sam", "Europe/Lisbon", "discord"),
    Person("mo", "Mo", "Europe/Paris", "telegram", moderator=True),
)}

#: the marketplace's offers; `seller` is a person's key (each player puts the account's id there)
OFFERS = {o.id: o for o in (
    Offer("logo", "ana", "Logo", "A vector logo", 12_000, "EUR", 3, (Option("source", "Source files", 3_000, 1),),
          revisions=2),
    Offer("flyer", "ana", "Flyer", "A printable flyer", 5_000, "EUR", 1),
    Offer("site", "ana", "Landing page", "A one-page website", 40_000, "EUR", 5),
    Offer("translate", "ana", "Translation", "1,000 words EN→FR", 6_000, "EUR", 2),
    Offer("poster", "sam", "Poster", "An A2 poster for an event", 8_000, "EUR", 4),
)}


def said(msgid: str, lang: str) -> str:
    """What a person types (a brief, a reason, a chat message), in the language the road is played in."""
    return translate(msgid, lang) if msgid else ""


# --- the steps of a road ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Act:
    """A step someone takes: `who` is their key in PEOPLE."""

    who: str


@dataclass(frozen=True)
class Orders(Act):
    """The buyer opens the offer, chooses options and a tip, writes the brief (and files), and pays."""

    offer: str
    options: tuple[str, ...] = ()
    tip_percent: int = 0
    brief: str = ""  # msgids, like every text people type in a road (see `said`)
    files: tuple[str, ...] = ()

    def tip(self, cap_percent: int) -> int:
        """The tip in minor units: the tip button of this percentage."""
        price = quote(OFFERS[self.offer], self.options, 0)
        return dict(tip_choices(price, cap_percent)).get(self.tip_percent, 0)

    def total(self, cap_percent: int) -> int:
        return quote(OFFERS[self.offer], self.options, self.tip(cap_percent))


@dataclass(frozen=True)
class ConfirmsPayment(Act):
    """A moderator saw the money of the manual payment arrive, and says so with the notice's button."""



@dataclass(frozen=True)
class Presses(Act):
    """A person presses one of the order's buttons, and answers what it asks (a reason, a delivery...)."""

    action: Action
    text: str = ""
    files: tuple[str, ...] = ()
    amount: int | None = None
    days: int | None = None
    positive: bool | None = None

    def payload(self, lang: str) -> Payload:
        return Payload(text=said(self.text, lang), files=self.files, amount=self.amount, days=self.days,
                       positive=self.positive)


@dataclass(frozen=True)
class Writes(Act):
    """A message in the order's chat (with files, if any)."""

    text: str
    files: tuple[str, ...] = ()



@dataclass(frozen=True)
class Waits:
    """Time passes; the deadlines and reminders that fall due meanwhile fire."""

    delta: timedelta
    who = None  # nobody: the clock

    def after(self, now: datetime) -> timedelta:
        """How long passes, from `now`."""
        return self.delta


@dataclass(frozen=True)
class WaitsUntil(Waits):
    """Time passes until the next `at` o'clock UTC: a moment of the day (a morning), whenever the road is played."""

    at: time = time(0)

    def after(self, now: datetime) -> timedelta:
        then = datetime.combine(now.date(), self.at, tzinfo=timezone.utc)
        return (then if then > now else then + timedelta(days=1)) - now



@dataclass(frozen=True)
class Looks(Act):
    """A person opens the order's card."""



@dataclass(frozen=True)
class GoesAway(Act):
    """A seller takes time off from today to `days` later (both included, in their zone), with a message."""

    days: int
    message: str = ""  # a msgid, like every text people type in a road

    def typed(self, now: datetime, zone: tzinfo, lang: str) -> tuple[str, str]:
        """The first and last days as the seller types them: 2026-03-02, or 02/03/2026 in French."""
        first = now.astimezone(zone)
        pattern = "%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"
        return first.strftime(pattern), (first + timedelta(days=self.days)).strftime(pattern)


@dataclass(frozen=True)
class Visits(Act):
    """A visitor opens an offer's page; when it is paused, they ask to be told when it reopens."""

    offer: str


@dataclass(frozen=True)
class SwitchesDigest(Act):
    """A person presses [Turn off the morning digest] (or [Turn on …]) on the newest message that carries it."""

    on: bool = False


Step = Orders | ConfirmsPayment | Presses | Writes | Waits | Looks | GoesAway | Visits | SwitchesDigest


@dataclass(frozen=True)
class Road:
    slug: str
    title: str  # msgid
    summary: str  # msgid: what the road shows
    cast: tuple[str, ...]  # people's keys, in the order a transcript lists what each received
    steps: tuple[Step, ...]
    #: where each person is when the road is played across platforms; None: played on each platform in turn,
    #: everyone on it
    platforms: Mapping[str, str] | None = field(default=None)
    #: the Telegram bot's topic mode is on: each order in its own topic of each private chat
    topics: bool = False
    #: the Today cards are drawn (and the morning digests sent) after every step, as the running bot's poll does
    today: bool = False

    @property
    def offer(self) -> Offer:
        return OFFERS[next(s.offer for s in self.steps if isinstance(s, Orders))]

    def role(self, key: str) -> Role:
        """The person's part in this road."""
        if PEOPLE[key].moderator:
            return Role.MODERATOR
        return Role.SELLER if self.offer.seller == key else Role.BUYER

    def plays(self) -> tuple[Mapping[str, str], ...]:
        """Each way the road is played: a platform for each person of the cast."""
        if self.platforms is not None:
            return (self.platforms,)
        return tuple({key: platform for key in self.cast} for platform in PLATFORMS)

    def ids(self) -> Callable[[], str]:
        """Order and payment numbers as people read them, the same every time this road is played."""
        draw = random.Random(self.slug)
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return lambda: "".join(draw.choice(alphabet) for _ in range(8))


def hours(n: float) -> Waits:
    return Waits(timedelta(hours=n))


def until(hour: int) -> WaitsUntil:
    """Until the next `hour` o'clock UTC."""
    return WaitsUntil(timedelta(0), time(hour))


ROADS = (
    Road("acceptance-timeout",
         N_("Ana never accepts: reminders, then the order is cancelled and Ben refunded"),
         N_("The seller's reminders before the acceptance deadline, then the automatic cancellation and refund."),
         ("ana", "ben", "mo"),
         (Orders("ben", "logo", brief=N_("A fox for my bakery, orange and white.")),
          ConfirmsPayment("mo"),
          hours(24), hours(22), hours(2))),
    Road("late-order",
         N_("A late order: the deadline passes, Chloé cancels it for a full refund"),
         N_("A missed delivery deadline, and the buyer's right to cancel a late order at once."),
         ("ana", "chloe", "mo"),
         (Orders("chloe", "flyer", brief=N_("A5 flyer for a concert on 14 March.")),
          ConfirmsPayment("mo"),
          hours(2), Presses("ana", Action.ACCEPT),
          hours(24), Presses("chloe", Action.CANCEL_LATE, N_("Too late for the concert.")))),
    Road("dispute-split",
         N_("Two refused cancellation requests open a dispute; Mo splits the funds"),
         N_("Cancellation requests and their refusals, a dispute opening by itself, a moderator joining the chat "
            "and splitting the money."),
         ("ana", "ben", "mo"),
         (Orders("ben", "site", brief=N_("One page for my bakery: hours, map, menu.")),
          ConfirmsPayment("mo"),
          hours(5), Presses("ana", Action.ACCEPT),
          hours(20), Presses("ben", Action.REQUEST_CANCELLATION, N_("I found a template.")),
          Presses("ana", Action.REFUSE_CANCELLATION, N_("Half the work is done.")),
          Presses("ben", Action.REQUEST_CANCELLATION, N_("Please, I insist.")),
          Presses("ana", Action.REFUSE_CANCELLATION, N_("I will deliver tomorrow.")),
          Presses("mo", Action.TAKE_DISPUTE),
          Writes("mo", N_("Ana, how far along are you? Ben, what do you need now?")),
          Presses("mo", Action.SPLIT, N_("Half the work was done: half is refunded."), amount=20_000))),
    Road("revision-and-review",
         N_("Delivery closes the chat; a revision reopens it; the order is completed with a review"),
         N_("Options and a tip at checkout, contact details masked in the chat, the chat closed while the buyer "
            "reviews a delivery, a revision, completion with a review and the seller's reply, the chat ending a "
            "week later."),
         ("ana", "chloe", "mo"),
         (Orders("chloe", "logo", options=("source",), tip_percent=10, brief=N_("A logo for my cat café, green.")),
          ConfirmsPayment("mo"),
          hours(1), Presses("ana", Action.ACCEPT),
          Writes("ana", N_("Hi Chloé! Any font you like? Or mail me at ana.design@example.com")),
          hours(48), Presses("ana", Action.DELIVER, N_("Here is your logo."), files=("logo.svg",)),
          Writes("chloe", N_("Thanks! Could the cat be bigger?")),
          Presses("chloe", Action.REQUEST_REVISION, N_("A bigger cat, please.")),
          Writes("chloe", N_("A bigger cat, and a darker green.")),
          hours(3), Presses("ana", Action.ACCEPT_REVISION),
          hours(24), Presses("ana", Action.DELIVER, N_("Bigger cat, darker green."), files=("logo-v2.svg",)),
          hours(4), Presses("chloe", Action.COMPLETE, N_("Lovely work!"), positive=True),
          Presses("ana", Action.REPLY_REVIEW, N_("Thank you, Chloé!")),
          Looks("chloe"),
          hours(7 * 24))),
    Road("silence-completes",
         N_("Ben says nothing after the delivery: the order completes itself and Ana is paid"),
         N_("The review window's reminders to a silent buyer, then completion by itself and the seller paid."),
         ("ana", "ben", "mo"),
         (Orders("ben", "translate", brief=N_("My menu, 900 words.")),
          ConfirmsPayment("mo"),
          hours(3), Presses("ana", Action.ACCEPT),
          hours(24), Presses("ana", Action.DELIVER, N_("Translated menu attached."), files=("menu-fr.pdf",)),
          hours(5 * 24), hours(24), hours(24))),
    Road("extension",
         N_("Ana needs two more days: she asks for an extension, Ben accepts, she delivers within it"),
         N_("A seller's extension request with its reason, the buyer reminded to answer it, the delivery deadline "
            "moved by the days asked, and a delivery on time within it (this product's addition to the process)."),
         ("ana", "ben", "mo"),
         (Orders("ben", "logo", brief=N_("A logo for my bike repair shop: a wrench inside a wheel.")),
          ConfirmsPayment("mo"),
          hours(2), Presses("ana", Action.ACCEPT),
          hours(26), Presses("ana", Action.REQUEST_EXTENSION, N_("The wheel needs a second round of sketches."),
                             days=2),
          hours(25), Presses("ben", Action.ACCEPT_EXTENSION),
          hours(40), Presses("ana", Action.DELIVER, N_("Here is your logo, wrench and wheel."), files=("logo.svg",)),
          hours(3), Presses("ben", Action.COMPLETE, N_("Worth the wait!"), positive=True))),
    Road("time-off",
         N_("Ana takes two days off: Ben finds her offer paused, asks to be told, and orders when it reopens"),
         N_("A seller's time off with a message, a visitor refused with the reason and the moment it reopens "
            "(in their own zone), told once when it reopens by itself, then ordering (this product's addition to "
            "the process)."),
         ("ana", "ben", "mo"),
         (GoesAway("ana", 1, N_("At a design fair, back in two days.")),
          Visits("ben", "logo"),
          hours(40),
          Orders("ben", "logo", brief=N_("A logo for my tea room: a teapot and a cat.")),
          ConfirmsPayment("mo"),
          hours(1), Presses("ana", Action.ACCEPT),
          hours(30), Presses("ana", Action.DELIVER, N_("Here is your teapot and its cat."), files=("logo.svg",)),
          hours(2), Presses("ben", Action.COMPLETE, N_("Worth the wait!"), positive=True))),
    Road("topics",
         N_("Ana's Telegram bot has topics: the order lives in its own topic of each private chat"),
         N_("With the bot's topic mode on, the order's card, notices, chat, files and delivery in a topic named "
            "after the order, a message written there passed on without asking which order, and the topic "
            "marked closed when the order's chat ends (this product's addition)."),
         ("ana", "ben", "mo"),
         (Orders("ben", "flyer", brief=N_("A flyer for our street party, A5.")),
          ConfirmsPayment("mo"),
          hours(1), Presses("ana", Action.ACCEPT),
          Writes("ben", N_("Could it be green?")),
          Writes("ana", N_("Green it is.")),
          hours(20), Presses("ana", Action.DELIVER, N_("Here is your flyer."), files=("flyer.pdf",)),
          hours(2), Presses("ben", Action.COMPLETE, N_("Lovely, thanks!"), positive=True),
          Waits(timedelta(days=7, hours=1))),
         platforms={"ana": "telegram", "ben": "telegram", "mo": "telegram"}, topics=True),
    Road("today",
         N_("Ana's Today card: what needs her, pinned and kept current, and a digest each morning; Ben's side too"),
         N_("Each person's Today card, pinned on Telegram and in the direct messages on Discord, edited when one of "
            "their orders changes (at most once per 30 s): the order to accept, then the delivery due within 24 h; "
            "the morning digest at 08:00 in each person's zone, which Ana turns off; the buyer's delivery to check "
            "with the days left (this product's addition)."),
         ("ana", "ben", "mo"),
         (Orders("ben", "flyer", brief=N_("A flyer for our book swap, A5, blue.")),
          ConfirmsPayment("mo"),
          hours(1), Presses("ana", Action.ACCEPT),
          until(7),  # the next morning: past 08:00 in Paris, Ana's digest
          SwitchesDigest("ana"),
          hours(1), Presses("ana", Action.DELIVER, N_("Here is your flyer."), files=("flyer.pdf",)),
          until(13),  # past 08:00 in Montreal: Ben's digest
          Presses("ben", Action.COMPLETE, N_("Just right, thank you!"), positive=True),
          hours(1)),
         today=True),
    Road("cross-platform",
         N_("Ben on Telegram orders from Sam on Discord: one order across two platforms"),
         N_("A buyer on Telegram and a seller on Discord: the brief's file, the chat both ways, a delivery with a "
            "file, completion with a review."),
         ("ben", "sam", "mo"),
         (Orders("ben", "poster", brief=N_("A poster for our jazz night, 14 March."), files=("sketch.pdf",)),
          ConfirmsPayment("mo"),
          hours(2), Presses("sam", Action.ACCEPT),
          Writes("ben", N_("Hello from Telegram! Blue and gold, please.")),
          Writes("sam", N_("Hi Ben, noted: blue and gold.")),
          hours(48), Presses("sam", Action.DELIVER, N_("Here is your poster."), files=("poster.pdf",)),
          hours(3), Presses("ben", Action.COMPLETE, N_("Perfect, thank you!"), positive=True)),
         platforms={"ben": "telegram", "sam": "discord", "mo": "telegram"}),
)


# --- the words that tell a road ---------------------------------------------------------------------

#: a road's steps, as the demo and the transcripts announce them
ORDERS = N_("{name} orders “{title}” and pays {amount}.")
CONFIRMS = N_("{name} confirms the payment.")
PRESSES = N_("{name} presses [{button}]")
WRITES = N_("{name} writes: “{text}”")
LATER = N_("{hours} h later ({date} UTC)")
LOOKS = N_("{name} looks at the order's card.")
GOES_AWAY = N_("{name} takes time off until {date}: “{text}”")
VISITS = N_("{name} opens the offer “{title}”.")
SWITCHES_OFF = N_("{name} turns off the morning digest.")
SWITCHES_ON = N_("{name} turns the morning digest back on.")


def announce(step: Step, lang: str, now: datetime, tip_cap: int) -> str:
    """A step as the demo and the transcripts announce it, in the road's language (`now`: before it)."""
    t = lambda msgid, **params: translate(msgid, lang).format(**params)  # noqa: E731
    name = PEOPLE[step.who].name if step.who else ""
    if isinstance(step, Orders):
        offer = OFFERS[step.offer]
        return "▶ " + t(ORDERS, name=name, title=offer.title,
                        amount=Money(step.total(tip_cap), offer.currency).render(lang))
    if isinstance(step, ConfirmsPayment):
        return "▶ " + t(CONFIRMS, name=name)
    if isinstance(step, Presses):
        return "▶ " + t(PRESSES, name=name, button=t(labels.ACTION[step.action]))
    if isinstance(step, Writes):
        return "💬 " + t(WRITES, name=name, text=said(step.text, lang))
    if isinstance(step, Waits):
        delta = step.after(now)
        return "⏩ " + t(LATER, hours=int(delta.total_seconds() // 3600),
                         date=(now + delta).strftime("%Y-%m-%d %H:%M"))
    if isinstance(step, GoesAway):
        zone = ZoneInfo(PEOPLE[step.who].timezone)
        return "🏖 " + t(GOES_AWAY, name=name, date=step.typed(now, zone, lang)[1], text=said(step.message, lang))
    if isinstance(step, Visits):
        return "👀 " + t(VISITS, name=name, title=OFFERS[step.offer].title)
    if isinstance(step, SwitchesDigest):
        return "☀️ " + t(SWITCHES_ON if step.on else SWITCHES_OFF, name=name)
    return "👀 " + t(LOOKS, name=name)


#: what a person does on their platform, as a transcript tells it
SENDS = N_("{name} sends “{text}”")
SENDS_IN_TOPIC = N_("{name} sends “{text}” in the topic “{topic}”")
SENDS_FILE = N_("{name} sends the file {file}")
SENDS_FILE_WITH = N_("{name} sends the file {file} with “{text}”")
PRESSES_ON = N_("{name} presses [{button}] on message {number}")
CHOOSES_ON = N_("{name} chooses “{choice}” on message {number}")
RUNS = N_("{name} runs {command}")
FILLS = N_("{name} fills in the form “{form}” and sends it:")
WRITES_IN = N_("{name} writes in the room “{room}”: “{text}”")
WRITES_TO_BOT = N_("{name} finds the room “{room}” locked and writes to the bot instead: “{text}”")
AN_EARLIER = N_("an earlier message")

#: what they receive
RECEIVES = N_("{name} receives:")
NOBODY = N_("Nobody receives anything.")
MESSAGE = N_("message {number}")
IN_ROOM = N_("in the room “{room}”")
IN_TOPIC = N_("in the topic “{topic}”")
TOPIC_OPENED = N_("a topic opens in the chat: “{topic}”")
TOPIC_RENAMED = N_("the topic “{before}” is renamed “{topic}”")
FROM = N_("written by {name}")
ONLY_YOU = N_("seen by no one else")
NOW_READS = N_("{message} now reads:")
NOW_BUTTONS = N_("{message} now has the buttons {buttons}")
NO_BUTTONS = N_("{message} loses its buttons")
DELETED = N_("{message} is deleted")
PINNED = N_("{message} is pinned at the top of the chat")
OWN_DELETED = N_("their own message is deleted")
TOAST = N_("a notice over the chat: “{text}”")
ALERT = N_("a pop-up: “{text}”")
FORM = N_("a form opens: “{title}”")
JOINED = N_("added to the room “{room}”")
LOCKED = N_("the room “{room}” is locked")
UNLOCKED = N_("the room “{room}” is open again")

#: a transcript's frame
ON_PLATFORM = N_("On {platform}")
SOMEONE_ON = N_("{name} on {platform}")
WHO = N_("Who")
PART = N_("Part")
TIME_ZONE = N_("Time zone")
