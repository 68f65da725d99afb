"""The database schema: SQLAlchemy Core tables, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


Time = UTCDateTime
Id = String(40)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("language", String(8), nullable=False, default="en"),
    Column("timezone", String(64), nullable=False, default="UTC"),
    # whether the person chose the zone (else it is the marketplace's, and cards say which zone times are in)
    Column("timezone_set", Boolean, nullable=False, default=False, server_default=false()),
    Column("suspended", Boolean, nullable=False, default=False),
    Column("created_at", Time, nullable=False),
)

identities = Table(
    "identities",
    metadata,
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("chat_id", String(64), nullable=True),  # where the bot can write to them; None until they start it
    Column("username", String(200), nullable=True),
    # found to be a moderator by the last live check of this identity (the platform's config, the marketplace
    # server's roles): who hears "every moderator" notices. Never a permission: every act is checked again,
    # and so is every moderator notice before it is sent
    Column("moderator", Boolean, nullable=False, default=False, server_default=false()),
    PrimaryKeyConstraint("platform", "external_id"),
)

link_codes = Table(
    "link_codes",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("platform", String(16), nullable=False),  # where it was made: it works only on another
    Column("expires_at", Time, nullable=False),
)

offers = Table(
    "offers",
    metadata,
    Column("id", Id, primary_key=True),
    Column("seller_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("currency", String(8), nullable=False),
    Column("delivery_days", Integer, nullable=False),
    Column("revisions", Integer, nullable=True),
    Column("revision_days", Integer, nullable=True),
    Column("contact_allowed", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", Time, nullable=False),
)

# a seller's time off and limit of orders in progress (core.availability): one row per seller who set either
time_off = Table(
    "time_off",
    metadata,
    Column("seller_id", Id, ForeignKey("accounts.id"), primary_key=True),
    Column("away_from", Time, nullable=True),
    Column("away_until", Time, nullable=True),
    Column("message", Text, nullable=False),
    Column("max_in_progress", Integer, nullable=True),
)

# visitors waiting for a paused offer: each looked at again at due_at, told once when it reopens, then deleted
reopen_watches = Table(
    "reopen_watches",
    metadata,
    Column("offer_id", Id, ForeignKey("offers.id"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("seller_id", Id, nullable=False, index=True),
    Column("due_at", Time, nullable=False, index=True),
    Column("since", Time, nullable=False),
    PrimaryKeyConstraint("offer_id", "account_id"),
)

# a person's Today card (core.today): how many changes touched their orders and how many the card shows (out of
# date while they differ, since dirty_since), when it was last drawn, and their morning digest
today_marks = Table(
    "today_marks",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id"), primary_key=True),
    Column("changes", Integer, nullable=False),
    Column("shown", Integer, nullable=False),
    Column("dirty_since", Time, nullable=True, index=True),
    Column("shown_at", Time, nullable=True),
    Column("digest_off", Boolean, nullable=False, server_default=false()),
    Column("last_digest", String(10), nullable=True),  # the local day (ISO) of the last digest
    Column("digest_due", Time, nullable=True, index=True),
)

# where each person's Today card is, per platform: edited in place (pinned on Telegram)
today_messages = Table(
    "today_messages",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("message_id", String(64), nullable=False),
    PrimaryKeyConstraint("account_id", "platform"),
)

offer_options = Table(
    "offer_options",
    metadata,
    Column("offer_id", Id, ForeignKey("offers.id"), nullable=False),
    Column("id", Id, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("extra_days", Integer, nullable=False),
    PrimaryKeyConstraint("offer_id", "id"),
)

discussions = Table(
    "discussions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("offer_id", Id, ForeignKey("offers.id"), nullable=False),
    Column("buyer_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("seller_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("opened_at", Time, nullable=False),
)

custom_offers = Table(
    "custom_offers",
    metadata,
    Column("id", Id, primary_key=True),
    Column("discussion_id", Id, ForeignKey("discussions.id"), nullable=False, index=True),
    Column("buyer_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("seller_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("currency", String(8), nullable=False),
    Column("delivery_days", Integer, nullable=False),
    Column("sent_at", Time, nullable=False),
    Column("expires_at", Time, nullable=False),
    Column("state", String(16), nullable=False),
    Column("order_id", Id, nullable=True),
)

checkouts = Table(
    "checkouts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("buyer_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("seller_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("offer_id", Id, nullable=True),
    Column("custom_offer_id", Id, nullable=True),
    Column("options", JSON, nullable=False),
    Column("tip", BigInteger, nullable=False),
    Column("brief", Text, nullable=False),
    Column("files", JSON, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(8), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("created_at", Time, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("provider_ref", String(200), nullable=False),
    Column("order_id", Id, nullable=True),
    # what vouchers pay of it (the amount above is what is left to pay), and from which: [[voucher id, amount], ...]
    Column("credit", BigInteger, nullable=False, default=0, server_default="0"),
    Column("draws", JSON, nullable=True),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("stage", String(32), nullable=False, index=True),
    Column("buyer_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("seller_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("offer_id", Id, nullable=False),
    Column("title", String(200), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("tip", BigInteger, nullable=False),
    Column("refunded", BigInteger, nullable=False),
    Column("credit", BigInteger, nullable=False, default=0, server_default="0"),  # paid with vouchers
    Column("currency", String(8), nullable=False),
    Column("delivery_days", Integer, nullable=False),
    Column("revision_days", Integer, nullable=False),
    Column("revisions_allowed", Integer, nullable=True),
    Column("revisions_used", Integer, nullable=False),
    Column("brief", Text, nullable=False),
    Column("brief_files", JSON, nullable=False),
    Column("late", Boolean, nullable=False),
    Column("cancellation_reason", Text, nullable=True),
    Column("cancellation_answer_overdue", Boolean, nullable=False),
    Column("refused_cancellations", Integer, nullable=False),
    Column("revision_request", Text, nullable=True),
    Column("revision_answer_overdue", Boolean, nullable=False),
    # value objects that are always read with the order
    Column("deadlines", JSON, nullable=False),
    Column("deliveries", JSON, nullable=False),
    Column("proposal", JSON, nullable=True),
    Column("extension", JSON, nullable=True),  # the seller's request for more time, while it waits
    Column("dispute", JSON, nullable=True),
    Column("resolution", String(16), nullable=True),
    Column("payment_ref", String(200), nullable=False),
    Column("paid_at", Time, nullable=False),
    Column("accepted_at", Time, nullable=True),
    Column("closed_at", Time, nullable=True),
)

reviews = Table(
    "reviews",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id"), primary_key=True),
    Column("seller_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("positive", Boolean, nullable=False),
    Column("comment", Text, nullable=False),
    Column("at", Time, nullable=False),
    Column("reply", Text, nullable=True),
    Column("reply_at", Time, nullable=True),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("action", String(40), nullable=False),
    Column("role", String(16), nullable=False),
    Column("actor", Id, nullable=False),
    Column("at", Time, nullable=False),
    Column("before", String(32), nullable=True),
    Column("after", String(32), nullable=False),
    Column("data", JSON, nullable=False),
    # the log is append-only and an order version happens once
    UniqueConstraint("order_id", "version", name="uq_order_events_order_version"),
)

chat_messages = Table(
    "chat_messages",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False, index=True),
    Column("sender_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("platform", String(16), nullable=False),
    Column("text", Text, nullable=False),  # as the other parties read it: masked
    Column("flagged", Boolean, nullable=False),
    Column("at", Time, nullable=False),
    # what was written, when masking changed it: for the evidence bundle only (moderators), never relayed
    Column("original", Text, nullable=True),
    # the platform's reference of the message as written (a Discord message id, "<chat>:<message>" on
    # Telegram): an edit of it finds the message it changes
    Column("source", String(100), nullable=True),
    # an edit: the message it changes (whose `at` is when it was first written); kept beside it, never over it
    Column("edit_of", BigInteger, ForeignKey("chat_messages.id"), nullable=True),
    # flagged, and its unmasked copy could not be taken down where it was written (the moderators were told)
    Column("left_visible", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_chat_messages_source", "platform", "source"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("message_id", BigInteger, ForeignKey("chat_messages.id"), nullable=True, index=True),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False, index=True),
    Column("platform", String(16), nullable=False),
    Column("file_ref", Text, nullable=False),  # any platform's reference, however long (Telegram's are not cut)
    Column("name", String(300), nullable=False),
    Column("mime", String(100), nullable=False),
    Column("size", BigInteger, nullable=True),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("tx_id", String(80), nullable=False),
    Column("order_id", Id, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("account", String(80), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("at", Time, nullable=False),
    UniqueConstraint("tx_id", "account", name="uq_ledger_entries_tx_account"),
)

# an order's escrow is settled once: the database refuses a second settlement
settlements = Table(
    "settlements",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id"), primary_key=True),
    Column("tx_id", String(80), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("at", Time, nullable=False),
)

# at most one live timer per order and kind: the primary key says so
timers = Table(
    "timers",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("due_at", Time, nullable=False),
    Column("claimed_until", Time, nullable=True),
    PrimaryKeyConstraint("order_id", "kind"),
    Index("ix_timers_due_at", "due_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("order_id", Id, nullable=True, index=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("role", String(16), nullable=False),
    # the identity written to; its chat is looked up when sending (it may not exist yet: the person
    # has not started the bot), so a notice waits instead of being lost
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("text", JSON, nullable=False),
    Column("with_card", Boolean, nullable=False),
    Column("files", JSON, nullable=False),
    Column("buttons", JSON, nullable=False),  # a notice's own buttons: [[label as JSON text, data], ...]
    Column("quotes", JSON, nullable=True),  # the content it announces: [[label as JSON text, words], ...]
    Column("created_at", Time, nullable=False),
    Column("next_attempt_at", Time, nullable=False),
    Column("claimed_until", Time, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("sent_at", Time, nullable=True),
    Column("failed_at", Time, nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_pending", "sent_at", "failed_at", "next_attempt_at"),
)

# what the buyers of expired orders are offered instead (core.vouchers): used up at checkout, oldest first
vouchers = Table(
    "vouchers",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("currency", String(8), nullable=False),
    Column("amount", BigInteger, nullable=False),  # left on it
    Column("issued", BigInteger, nullable=False),
    Column("order_id", Id, nullable=False),
    Column("issued_at", Time, nullable=False),
    Column("expires_at", Time, nullable=False),
)

# payments to give back through their provider, queued in the transaction that refunded them and
# done by the bot later; the unique charge makes "exactly once" the database's job
refunds = Table(
    "refunds",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("provider", String(16), nullable=False),
    Column("provider_ref", String(200), nullable=False, unique=True),
    Column("order_id", Id, nullable=True, unique=True),  # None: a payment that placed no order
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(8), nullable=False),
    Column("state", String(16), nullable=False),  # pending | done | failed
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", Time, nullable=False),
    Column("next_attempt_at", Time, nullable=False),
    Column("claimed_until", Time, nullable=True),
    Column("done_at", Time, nullable=True),
    Index("ix_refunds_pending", "state", "next_attempt_at"),
)

# messages already sent to a platform, so an old order card can be edited when the order moves
platform_messages = Table(
    "platform_messages",
    metadata,
    Column("platform", String(16), nullable=False),
    Column("chat_id", String(64), nullable=False),
    Column("message_id", String(64), nullable=False),
    Column("order_id", Id, nullable=True, index=True),
    Column("account_id", Id, nullable=True),
    Column("kind", String(16), nullable=False),
    Column("dedupe_key", String(200), nullable=True, unique=True),
    Column("at", Time, nullable=False),
    PrimaryKeyConstraint("platform", "chat_id", "message_id"),
)

# where a person is in a multi-step dialog (typing a reason, an offer's price...): kept in the
# database so a restart in the middle of a dialog picks it up where it was
dialogs = Table(
    "dialogs",
    metadata,
    Column("platform", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", Time, nullable=False),
    PrimaryKeyConstraint("platform", "external_id"),
)

# updates already handled: platforms may deliver the same update twice
seen_updates = Table(
    "seen_updates",
    metadata,
    Column("platform", String(16), nullable=False),
    Column("key", String(64), nullable=False),
    Column("at", Time, nullable=False, index=True),
    PrimaryKeyConstraint("platform", "key"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("actor_id", Id, nullable=False),
    Column("action", String(40), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", Time, nullable=False),
    # as whom the moderator acted: the identity and what made it a moderator ("discord:<user> role:<role>")
    Column("as_whom", String(200), nullable=True),
)
