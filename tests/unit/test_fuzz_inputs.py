"""Fuzzing every parser of outside input: whatever text a person, a platform or a config file sends, each
parser answers (a value, None, or its own error with a message for the person) and never raises anything else.

Covered: button payloads (core.buttons), the Telegram callback data of every namespace, routed as the
application routes them, the dialogs' amounts and days, the commands' arguments (/start, /timezone, /link,
/suspend, /audit, /evidence), Discord's custom ids and modal fields, and the configuration file (arbitrary
TOML documents built here, and arbitrary bytes).
"""

from __future__ import annotations

import re
import string
from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from bots import parsing
from bots.config import Config, ConfigError, load_config
from bots.moderation import AUDIT_MAX, audit_limit
from bots.telegram import dialogs
from bots.telegram.moderation import ORDER_ID
from bots.telegram.orders import FILTERS
from core.buttons import LIMIT, BadButton, ButtonData
from core.card import NEEDS
from core.i18n import LANGUAGES
from core.model import Action

settings = hypothesis.settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: text as people and platforms send it: anything, and things shaped like our own payloads
anything = st.text(max_size=120)
separators = st.sampled_from([":", "::", "_", " ", "", "\n"])
pieces = st.one_of(
    st.sampled_from(["o", "x", "p", "s", "b", "c", "d", "orders", "disputes", "card", "to", "lang", "evidence",
                     "ok", "no", "cancel", "skip", "done", "good", "bad", "act", "open", "closed", "page"]),
    st.sampled_from([a.value for a in Action]),
    st.integers(-10, 10**12).map(str),
    st.sampled_from(["²", "١٢", "0x1f", "1e3", "-0", "٣", " 7", "07", "NaN", "∞", "%", "../", "\x00", "🙂"]),
    st.text(string.ascii_letters + string.digits + "_-", min_size=0, max_size=24),
    st.text(max_size=8),
)
shaped = st.lists(pieces, min_size=1, max_size=6).flatmap(
    lambda parts: separators.map(lambda sep: sep.join(parts)))
inputs = st.one_of(anything, shaped)


# --- button payloads ------------------------------------------------------------------------------------------

@settings
@given(inputs)
def test_a_button_payload_is_ours_or_bad_never_an_error(data):
    try:
        pressed = ButtonData.decode(data)
    except BadButton:
        return
    assert pressed.encode() == data, "a decoded payload encodes back to the same text"
    assert pressed.action in NEEDS, "every action a button can carry has its dialog (or none)"
    assert len(data.encode()) <= LIMIT


@settings
@given(st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=20),
       st.sampled_from([a for a in Action if a is not Action.PLACE_ORDER]),
       st.integers(0, 10**9 - 1))
def test_every_button_we_make_decodes_to_itself(order_id, action, version):
    pressed = ButtonData(order_id, action, version)
    try:
        data = pressed.encode()
    except ValueError:  # too long for Telegram's 64 bytes: refused when drawing, never sent
        return
    assert ButtonData.decode(data) == pressed


@pytest.mark.parametrize("data", [None, b"o:A:accept:1", 12, ["o", "A", "accept", "1"], "o:A:place_order:1"])
def test_a_payload_that_is_not_even_text_is_bad(data):
    with pytest.raises(BadButton):
        ButtonData.decode(data)


# --- Telegram callback data, routed as the application routes it -------------------------------------------------

def _telegram_routes():
    """(compiled pattern or None, handler name) of every callback handler, in the order Telegram tries them."""
    from telegram.ext import CallbackQueryHandler

    from bots.telegram.app import build_application

    from bots.config import Config

    app = build_application(SimpleNamespace(config=Config(), relay=SimpleNamespace(moderators={})), "123456:TEST-TOKEN")
    routes = []
    for group in sorted(app.handlers):
        for handler in app.handlers[group]:
            if isinstance(handler, CallbackQueryHandler):
                routes.append((handler.pattern, handler.callback.__qualname__))
    return routes


ROUTES = _telegram_routes()


def route(data: str) -> str:
    for pattern, name in ROUTES:
        if pattern is None or (isinstance(pattern, re.Pattern) and pattern.match(data)):
            return name
    return "unanswered"


def parse_as(name: str, data: str) -> object:
    """What the handler that receives this data parses out of it (the pure part of each handler)."""
    if name == "on_order_button":
        try:
            return ButtonData.decode(data)
        except BadButton:
            return "not valid"
    if name == "show_orders":
        which, page = parsing.orders_page(data, FILTERS)
        assert which in FILTERS and 0 <= page <= 9999
        return which, page
    if name == "show_disputes":
        page = parsing.page_of(data, "x:disputes:")
        assert 0 <= page <= 9999
        return page
    if name == "on_confirmation":
        return parsing.payment_button(data)
    if name == "set_language":
        return data.removeprefix("x:lang:") in LANGUAGES
    if name in ("on_route", "show_card"):
        return data.split(":", 2)[2]
    if name == "send_evidence":
        return ORDER_ID.fullmatch(data.removeprefix("x:evidence:"))
    if name == "on_dialog_button":
        return dialogs.take_button(dialogs.start("A", Action.DELIVER, 1, dialogs.Needs.DELIVERY, "EUR"),
                                   data.removeprefix("x:"))
    # the seller's (s:), the buyer's checkout (b:, c:) and discussions' (d:) buttons split with padding
    kind, verb, target = (data.split(":", 2) + ["", ""])[:3]
    return kind, verb, target


def test_every_namespace_has_its_handler():
    names = {name for _, name in ROUTES}
    assert {"on_order_button", "show_orders", "show_card", "on_route", "on_dialog_button", "on_confirmation",
            "show_disputes", "send_evidence", "set_language", "_stale_button"} <= names
    assert ROUTES[-1] == (None, "_stale_button"), "the catch-all answers any button nobody else takes"
    assert route("o:AB12CD34:accept:3") == "on_order_button"
    assert route("x:orders:open:2") == "show_orders"
    assert route("p:ok:CHK") == "on_confirmation"
    assert route("x:skip") == "on_dialog_button"
    assert route("x:skipped") == "_stale_button"


@settings
@given(st.one_of(inputs, st.sampled_from(["o:", "x:", "p:", "x:orders:", "x:disputes:", "p:ok:", "p:no:"])
                 .flatmap(lambda prefix: inputs.map(lambda tail: prefix + tail))))
def test_any_callback_data_reaches_one_handler_which_parses_it(data):
    name = route(data)
    assert name != "unanswered", "every button is answered, if only to say it is not valid"
    parse_as(name, data)  # never raises


@pytest.mark.parametrize("data,expected", [
    ("x:orders:closed:2", ("closed", 2)), ("x:orders:open:²", ("open", 0)), ("x:orders:nope:1", ("act", 1)),
    ("x:orders:", ("act", 0)), ("x:orders:act:99999", ("act", 0)), ("x:orders:act: 3", ("act", 0)),
])
def test_orders_paging(data, expected):
    assert parsing.orders_page(data, FILTERS) == expected


@pytest.mark.parametrize("data,expected", [
    ("p:ok:AB12", ("ok", "AB12")), ("p:no:AB:12", ("no", "AB:12")), ("p:ok:", None), ("p:maybe:AB", None),
])
def test_payment_buttons(data, expected):
    assert parsing.payment_button(data) == expected


# --- dialogs: amounts and days -----------------------------------------------------------------------------------

amounts = st.one_of(
    anything,
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["sNaN", "-sNaN", "1e999999999", "1E+999999999999999999", "-1e-999999999", "12,50", "12.505",
                     " 1 000,00 ", "٣", "0.00", "1_000", "--1", "1e-30", "+5", "Infinity"]),
)


@settings
@given(amounts, st.sampled_from(["EUR", "XTR", "JPY", "USD"]))
def test_an_amount_is_a_positive_whole_number_of_minor_units_or_none(text, currency):
    amount = dialogs.parse_amount(text, currency)
    assert amount is None or (type(amount) is int and 0 < amount <= 10**12)


@pytest.mark.parametrize("text,currency,expected", [
    ("12.50", "EUR", 1250), ("12,50", "EUR", 1250), ("12.505", "EUR", None), ("7", "XTR", 7), ("7.5", "XTR", None),
    ("sNaN", "EUR", None), ("1e999999999", "EUR", None), ("0", "EUR", None), ("-3", "EUR", None),
])
def test_amounts(text, currency, expected):
    assert dialogs.parse_amount(text, currency) == expected


@settings
@given(st.one_of(anything, st.sampled_from(["²", "١٢", "0", "00", "9999", "10000", " 3 ", "+3", "3.0"])))
def test_days_are_a_positive_whole_number_or_none(text):
    days = dialogs.parse_days(text)
    assert days is None or (type(days) is int and 1 <= days <= 9999)


@settings
@given(st.one_of(anything, shaped))
def test_a_dialog_takes_any_message_and_says_what_is_wrong(text):
    message = SimpleNamespace(text=text, caption=None, document=None, photo=None)
    for needs in dialogs.Needs:
        dialog = dialogs.start("AB12CD34", Action.PROPOSE_PARTIAL_REFUND, 2, needs, "EUR")
        dialog, problem, finished = dialogs.take_message(dialog, message, 4000)
        assert problem is None or isinstance(problem, str) and problem.strip()
        if dialog["amount"] is not None:
            assert dialog["amount"] > 0
        if dialog["days"] is not None:
            assert dialog["days"] > 0


# --- command arguments ---------------------------------------------------------------------------------------

words = st.lists(st.one_of(anything, pieces), max_size=5)


@settings
@given(st.one_of(anything, st.sampled_from(["order_", "link_", "offer_"]).flatmap(lambda p: anything.map(p.__add__))))
def test_start_payloads(payload):
    kind, value = parsing.start_payload(payload)
    assert kind in ("", *parsing.START_KINDS)
    if kind:
        assert payload == f"{kind}_{value}"


@settings
@given(st.one_of(anything, st.sampled_from(["https://t.me/comptoir_bot?start=offer_"]).flatmap(
    lambda p: anything.map(p.__add__))))
def test_a_typed_offer_is_an_offer_id_or_none(typed):
    found = parsing.offer_id(typed)
    assert found is None or re.fullmatch(r"[A-Za-z0-9_-]{1,20}", found) and found in typed


@pytest.mark.parametrize(("typed", "expected"), [
    ("logo", "logo"), (" AB12CD34 ", "AB12CD34"), ("https://t.me/comptoir_bot?start=offer_logo", "logo"),
    ("https://t.me/comptoir_bot?start=order_AB12", None), ("two words", None), ("x" * 21, None), ("", None)])
def test_offer_ids_typed_or_pasted_as_a_telegram_link(typed, expected):
    assert parsing.offer_id(typed) == expected


@settings
@given(st.one_of(anything, st.sampled_from(["Europe/Paris", "UTC", "Europe", "America/", "../etc/passwd", "zone.tab",
                                            "tzdata.zi", "posixrules", "Etc/GMT+5", "a" * 300, "UTC\x00",
                                            "Europe/Paris/x", "/etc/localtime", "."])))
def test_a_time_zone_is_a_zone_or_none(name):
    zone = parsing.time_zone(name)
    assert zone is None or zone == name and len(zone) <= 64


@settings
@given(words)
def test_sanction_arguments(typed):
    parsed = parsing.sanction_args(typed)
    if parsed is not None:
        who, reason = parsed
        assert who and reason
        parsing.is_user_id(who)


@settings
@given(words)
def test_audit_lengths(typed):
    limit = audit_limit(typed)
    assert limit is None or 1 <= limit <= AUDIT_MAX


@settings
@given(anything)
def test_link_codes_and_evidence_ids(typed):
    typed[:16].strip().upper()  # what /link does with its argument before looking the code up
    found = ORDER_ID.fullmatch(typed)
    assert found is None or re.fullmatch(r"[A-Za-z0-9_-]{1,20}", found.group(1))


# --- Discord: custom ids and modal fields --------------------------------------------------------------------

def _discord_templates():
    from bots.discord.routes import PERSISTENT

    return [(item.__name__, item.__discord_ui_compiled_template__) for item in PERSISTENT]


@settings
@given(st.one_of(inputs, st.sampled_from(["o:", "x:card:", "x:orders:", "x:page:"])
                 .flatmap(lambda prefix: inputs.map(lambda tail: prefix + tail))))
def test_a_discord_custom_id_is_matched_and_parsed_without_error(custom_id):
    for name, template in _discord_templates():
        match = template.fullmatch(custom_id)
        if match is None:
            continue
        if name == "OrderButton":  # the press decodes it: ours, or "not valid"
            try:
                ButtonData.decode(custom_id)
            except BadButton:
                pass
        elif name == "OrdersPage":
            assert 0 <= int(match["page"]) <= 9999
        elif name == "CardLink":
            assert match["order"]


# --- the configuration file ----------------------------------------------------------------------------------

KNOWN = {
    "": ["database_url", "default_language", "default_timezone"],
    "durations": ["acceptance", "cancellation_answer", "revision_answer", "review_window", "revision_refused_choice",
                  "chat_after_closing", "custom_offer", "review_period", "expiry", "day"],
    "reminders": ["acceptance", "delivery", "cancellation_answer", "revision_answer", "review_window",
                  "revision_refused_choice"],
    "money": ["tip_cap_percent", "commission_basis_points"],
    "rules": ["refused_cancellations_to_dispute", "expiry_voucher", "mask_contacts", "max_text"],
    "telegram": ["token_env", "token", "moderators", "base_url", "mode", "webhook_url", "webhook_listen",
                 "webhook_port", "payment"],
    "discord": ["token_env", "token", "guild_id", "moderator_role_ids", "moderator_user_ids", "marketplace_channel_id",
                "shard_ids", "shard_count", "payment", "base_url"],
    "scheduler": ["poll_seconds", "batch", "lease_seconds"],
    "relay": ["poll_seconds", "batch", "max_attempts", "backoff_seconds", "max_backoff_seconds"],
    "http": ["enabled", "listen", "port"],
    "logging": ["format", "level"],
    "limits": ["messages", "messages_window", "presses", "presses_window", "link_codes", "link_code_lifetime"],
}
plausible = st.sampled_from([
    "48h", "7d", "2d 12h", "0s", "-1h", "99999999999999999999d", "36500d", "1h 1h", "48 h", "1w", "", " ",
    "Europe/Paris", "UTC", "Mars/Olympus", "../x", "en", "fr", "webhook", "polling", "stars", "manual",
    "https://example.com/hook", "http://localhost:8081/bot", "sqlite+aiosqlite:///x.sqlite3", "COMPTOIR_TOKEN", "1x",
    "postgresql://u:p@h:x/db", "sqlite:///x", "json",
])
scalars = st.one_of(
    plausible, st.text(max_size=20), st.integers(-2**63, 2**63 - 1), st.sampled_from([0, 1, 100, 65_536, 10_001]),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.lists(plausible, max_size=3))


@st.composite
def config_documents(draw) -> dict:
    """A TOML document: known sections and keys mostly, some typos and unknown ones, values of any type."""
    doc: dict = {}
    for section, keys in KNOWN.items():
        if section and not draw(st.booleans()):
            continue
        table = doc if not section else doc.setdefault(section, {})
        for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
            table[key] = draw(values)
        if draw(st.integers(0, 9)) == 0:
            table[draw(st.sampled_from(["acceptence", "tokn", "Batch", "x"]))] = draw(values)
    if draw(st.integers(0, 9)) == 0:
        doc[draw(st.sampled_from(["durations", "telegram", "relay"]))] = draw(scalars)  # a key where a section goes
    if draw(st.integers(0, 9)) == 0:
        doc[draw(st.sampled_from(["scheduller", "extra"]))] = {"a": draw(scalars)}
    return doc


def toml(doc: dict) -> str:
    """The document written as TOML (tomllib reads it; only what config_documents builds)."""
    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(v), repr(v))
        if isinstance(v, str):
            return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                                 if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in v) + '"'
        return "[" + ", ".join(value(x) for x in v) + "]"

    lines = [f'"{k}" = {value(v)}' for k, v in doc.items() if not isinstance(v, dict)]
    for section, table in doc.items():
        if isinstance(table, dict):
            lines.append(f'["{section}"]')
            lines += [f'"{k}" = {value(v)}' for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _one_line_or_config(path, environ):
    try:
        config = load_config(path, environ)
    except ConfigError as error:
        message = str(error)
        assert message and "\n" not in message, f"a config error is one line: {message!r}"
        return message
    assert isinstance(config, Config)
    return config


@settings
@given(config_documents(), st.dictionaries(st.sampled_from(["COMPTOIR_DATABASE_URL", "COMPTOIR_TELEGRAM_TOKEN"]),
                                           st.one_of(plausible, st.text(max_size=10)), max_size=2))
def test_any_config_document_is_a_config_or_a_one_line_error(tmp_path_factory, doc, environ):
    path = tmp_path_factory.mktemp("config") / "comptoir.toml"
    path.write_text(toml(doc), encoding="utf-8")
    _one_line_or_config(path, environ)


@settings
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 config_documents().map(lambda d: toml(d).encode()).flatmap(
                     lambda b: st.integers(0, len(b)).map(lambda n: b[:n]))))
def test_any_config_file_content_is_a_config_or_a_one_line_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("config") / "comptoir.toml"
    path.write_bytes(content)
    _one_line_or_config(path, {})


def test_the_toml_writer_round_trips():
    import tomllib

    doc = {"database_url": "sqlite+aiosqlite:///x", "durations": {"acceptance": "2d", "day": 3.5},
           "telegram": {"moderators": [1, 2], "mode": "pol\"ling\n"}}
    assert tomllib.loads(toml(doc)) == doc


@pytest.mark.parametrize("text", ["99999999999999999999d", "36501d"])
def test_a_duration_too_long_for_a_date_is_a_config_error(tmp_path, text):
    path = tmp_path / "comptoir.toml"
    path.write_text(f'[durations]\nexpiry = "{text}"\n')
    with pytest.raises(ConfigError, match="durations.expiry: .* is too long"):
        load_config(path, {})


def test_decimal_sanity():  # the amounts above rely on Decimal accepting these, as people type them
    assert Decimal("1e999999999").is_finite() and not Decimal("sNaN").is_finite()


@settings
@given(st.lists(anything, max_size=6))
def test_away_arguments_are_one_of_the_known_requests_never_an_error(words):
    asked = parsing.away_args(words)
    assert asked[0] in ("status", "back", "limit", "away", "help")
    assert len(asked) == {"status": 1, "back": 1, "limit": 2, "away": 4, "help": 1}[asked[0]]


@pytest.mark.parametrize(("words", "expected"), [
    ([], ("status",)), (["off"], ("back",)), (["max", "3"], ("limit", "3")), (["MAX", "off"], ("limit", "off")),
    (["2026-12-24", "2027-01-02", "Back", "in", "January"], ("away", "2026-12-24", "2027-01-02", "Back in January")),
    (["2026-12-24"], ("help",)), (["off", "now"], ("help",)), (["max"], ("help",))])
def test_away_arguments(words, expected):
    assert parsing.away_args(words) == expected


@settings
@given(anything, anything)
def test_typed_days_of_time_off_are_read_or_explained_never_an_error(first, last):
    from core.availability import away_between
    from core.settings import Settings as Rules

    found = away_between(first, last, "Europe/Paris", datetime(2026, 1, 5, tzinfo=timezone.utc), Rules())
    assert isinstance(found, tuple) or found.render("fr")
