"""Notices become outbox rows: one per recipient identity (a person on Telegram and Discord hears on both),
found in one query for a whole batch, inserted in one statement."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, or_, select

from core.events import Notice
from core.i18n import to_json
from core.model import Order, Role
from storage.tables import identities, outbox
from storage.today import TodayRows
from storage.transaction import skipping


class NoticeRows(TodayRows):
    """The notices part of `SqlUnitOfWork`."""

    async def notify(self, notice: Notice, order: Order | None = None) -> None:
        """One outbox row per recipient identity (a person on Telegram and Discord hears on both)."""
        await self._notify_all([notice], order)

    async def notify_all(self, notices: list[Notice], touched: Iterable[str] = ()) -> None:
        """`touched`: the parties of the orders a transition wrote (their Today cards are out of date)."""
        await self._notify_all(notices, touched=touched)

    async def _notify_all(self, notices: list[Notice], order: Order | None = None,
                          touched: Iterable[str] = ()) -> None:
        """The outbox rows of these notices: one query for every recipient's identities, one insert. The Today
        cards of the parties of the orders they are about (and of `touched`) are marked out of date here, where
        every path that changes or reminds of an order passes, in its transaction."""
        self.writing()
        parties = set(touched)
        for notice in notices:  # (a chat message, which changes nothing on the card, travels without it)
            about = self.known.get(notice.order_id) if notice.order_id is not None and notice.with_card else None
            if about is None and order is not None and notice.with_card and notice.order_id == order.id:
                about = order
            if about is not None:
                parties.update((about.buyer, about.seller))
        await self.mark_today(parties)
        wanted: list[tuple[Notice, list[str] | None]] = []  # None: every moderator
        for notice in notices:
            if notice.account is not None:
                wanted.append((notice, [notice.account]))
                continue
            about = order
            if about is None and notice.order_id is not None:  # the order this unit already read, if it did
                about = self.known.get(notice.order_id) or await self.order(notice.order_id)
            if notice.to is Role.BUYER:
                wanted.append((notice, [about.buyer]))
            elif notice.to is Role.SELLER:
                wanted.append((notice, [about.seller]))
            elif about is not None and about.dispute is not None and about.dispute.moderator:
                wanted.append((notice, [about.dispute.moderator]))
            else:
                wanted.append((notice, None))
        named = set(account for _, who in wanted if who for account in who)
        moderators = any(who is None for _, who in wanted)
        if not named and not moderators:
            return
        if moderators:  # every moderator's identities too, told apart by their flag
            found = (await self.conn.execute(_IDENTITIES_AND_MODERATORS, {"accounts": sorted(named)})).all()
        else:
            found = (await self.conn.execute(_IDENTITIES, {"accounts": sorted(named)})).all()
        identities_of: dict[str | None, list] = {}  # by account; None: every moderator's
        for r in found:
            if r.account_id in named:
                identities_of.setdefault(r.account_id, []).append(r)
            if moderators and r.moderator:
                identities_of.setdefault(None, []).append(r)
        now = self.clock.now()
        rows = []
        for notice, who in wanted:
            text, files = to_json(notice.text), list(notice.files)
            buttons = [[to_json(b.label), b.data] for b in notice.buttons]
            quotes = [[to_json(q.label), q.text] for q in notice.quotes] or None
            rows.extend(
                {"dedupe_key": f"{notice.key}:{r.platform}:{r.external_id}", "order_id": notice.order_id,
                 "account_id": r.account_id, "role": notice.to.value, "platform": r.platform,
                 "external_id": r.external_id, "text": text, "with_card": notice.with_card,
                 "files": files, "buttons": buttons, "quotes": quotes, "created_at": now, "next_attempt_at": now, "attempts": 0}
                for account in (who or (None,)) for r in identities_of.get(account, ()))
        if rows:
            await self.conn.execute(skipping(self.conn.dialect.name, outbox), rows)


_IDENTITY_COLUMNS = (identities.c.account_id, identities.c.platform, identities.c.external_id)
_IDENTITIES = select(*_IDENTITY_COLUMNS).where(identities.c.account_id.in_(bindparam("accounts", expanding=True)))
#: the moderators are the identities the last live check found to be one (each notice is checked again when sent)
_IDENTITIES_AND_MODERATORS = (
    select(*_IDENTITY_COLUMNS, identities.c.moderator)
    .where(or_(identities.c.account_id.in_(bindparam("accounts", expanding=True)), identities.c.moderator.is_(True))))
