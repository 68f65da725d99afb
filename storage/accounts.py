"""People: one account, one or more chat identities, a language, a time zone, one-time link codes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.linking import LinkCode
from core.people import Account, Identity
from core.ports import new_id
from storage.tables import accounts, audit_log, checkouts, discussions, identities, link_codes, offers, orders


def _account(row) -> Account:
    return Account(row.id, row.display_name, row.language, row.timezone, row.suspended, row.timezone_set)


class Accounts:
    def __init__(self, conn: AsyncConnection, clock) -> None:
        self.conn = conn
        self.clock = clock

    async def get(self, account_id: str) -> Account | None:
        row = (await self.conn.execute(select(accounts).where(accounts.c.id == account_id))).first()
        return _account(row) if row else None

    async def by_identity(self, platform: str, external_id: str) -> Account | None:
        row = (await self.conn.execute(
            select(accounts).join(identities, identities.c.account_id == accounts.c.id)
            .where(identities.c.platform == platform, identities.c.external_id == str(external_id)))).first()
        return _account(row) if row else None

    async def by_username(self, platform: str, username: str) -> Account | None:
        """The account behind a platform username (without its @), as last seen; usernames ignore case."""
        row = (await self.conn.execute(
            select(accounts).join(identities, identities.c.account_id == accounts.c.id)
            .where(identities.c.platform == platform,
                   func.lower(identities.c.username) == username.removeprefix("@").lower()))).first()
        return _account(row) if row else None

    async def names(self, account_ids) -> dict[str, str]:
        """Display names by account id, for texts that mention several people at once."""
        ids = set(account_ids)
        if not ids:
            return {}
        rows = await self.conn.execute(select(accounts.c.id, accounts.c.display_name).where(accounts.c.id.in_(ids)))
        return {r.id: r.display_name for r in rows}

    async def unchanged(self, platform: str, external_id: str, *, chat_id: str | None = None,
                        username: str | None = None, moderator: bool | None = None) -> Account | None:
        """The account, if `ensure` with these values would change nothing (so a read is enough)."""
        row = (await self.conn.execute(
            select(accounts, identities.c.chat_id, identities.c.username, identities.c.moderator.label("checked"))
            .join(identities, identities.c.account_id == accounts.c.id)
            .where(identities.c.platform == platform, identities.c.external_id == str(external_id)))).first()
        if row is None or (chat_id is not None and row.chat_id != chat_id) or (
                username is not None and row.username != username) or (
                moderator is not None and row.checked != moderator):
            return None
        return _account(row)

    async def identities(self, account_id: str) -> list[Identity]:
        rows = await self.conn.execute(select(identities).where(identities.c.account_id == account_id))
        return [Identity(r.platform, r.external_id, r.account_id, r.chat_id, r.username, r.moderator) for r in rows]

    async def ensure(self, platform: str, external_id: str, *, name: str = "", language: str = "en",
                     timezone: str = "UTC", chat_id: str | None = None, username: str | None = None,
                     moderator: bool | None = None) -> Account:
        """The account behind this identity, created on first sight; the chat and name are kept current, and so
        is what the last live check said of it as a moderator (`moderator`: None when nothing was checked)."""
        found = await self.by_identity(platform, external_id)
        if found is None:
            account_id = new_id(10)
            await self.conn.execute(accounts.insert().values(
                id=account_id, display_name=name[:200], language=language, timezone=timezone,
                suspended=False, created_at=self.clock.now()))
            await self.conn.execute(identities.insert().values(
                platform=platform, external_id=str(external_id), account_id=account_id,
                chat_id=chat_id, username=username, moderator=bool(moderator)))
            return await self.get(account_id)
        known = (await self.conn.execute(select(identities.c.chat_id, identities.c.username, identities.c.moderator)
                                         .where(identities.c.platform == platform,
                                                identities.c.external_id == str(external_id)))).first()
        changes = {k: v for k, v in (("chat_id", chat_id), ("username", username), ("moderator", moderator))
                   if v is not None and v != getattr(known, k)}
        if changes:  # most updates change nothing: no write, so no write lock on SQLite
            await self.conn.execute(update(identities).where(
                identities.c.platform == platform, identities.c.external_id == str(external_id)).values(**changes))
        return found

    async def set_preferences(self, account_id: str, *, language: str | None = None, timezone: str | None = None) -> None:
        changes = {k: v for k, v in (("language", language), ("timezone", timezone)) if v is not None}
        if timezone is not None:
            changes["timezone_set"] = True
        if changes:
            await self.conn.execute(update(accounts).where(accounts.c.id == account_id).values(**changes))

    async def suspend(self, moderator_id: str, account_id: str, suspended: bool, reason: str,
                      as_whom: str | None = None) -> None:
        await self.conn.execute(update(accounts).where(accounts.c.id == account_id).values(suspended=suspended))
        await self.conn.execute(audit_log.insert().values(
            actor_id=moderator_id, action="suspend" if suspended else "unsuspend", subject=f"account:{account_id}",
            reason=reason, at=self.clock.now(), as_whom=as_whom))

    async def live_codes(self, account_id: str) -> list[datetime]:
        """When each of this person's live link codes expires; expired codes (everyone's) are purged on the way."""
        now = self.clock.now()
        await self.conn.execute(delete(link_codes).where(link_codes.c.expires_at <= now))
        return list((await self.conn.execute(select(link_codes.c.expires_at)
                                             .where(link_codes.c.account_id == account_id))).scalars().all())

    async def add_link_code(self, code: str, account_id: str, platform: str, lifetime: timedelta) -> None:
        await self.conn.execute(link_codes.insert().values(
            code=code, account_id=account_id, platform=platform, expires_at=self.clock.now() + lifetime))

    async def link_code(self, code: str) -> LinkCode | None:
        """A live code: the account it joins (named) and where it was made; None if unknown or expired."""
        row = (await self.conn.execute(
            select(link_codes, accounts.c.display_name).join(accounts, accounts.c.id == link_codes.c.account_id)
            .where(link_codes.c.code == code.strip().upper()[:16], link_codes.c.expires_at > self.clock.now()))).first()
        return LinkCode(row.code, row.account_id, row.display_name, row.platform, row.expires_at) if row else None

    async def has_history(self, account_id: str) -> bool:
        """Whether this account has orders, offers, checkouts or discussions of its own."""
        for table, columns in ((orders, (orders.c.buyer_id, orders.c.seller_id)), (offers, (offers.c.seller_id,)),
                               (checkouts, (checkouts.c.buyer_id,)),
                               (discussions, (discussions.c.buyer_id, discussions.c.seller_id))):
            found = await self.conn.scalar(select(table.c.id).where(or_(*(c == account_id for c in columns))).limit(1))
            if found is not None:
                return True
        return False

    async def join(self, code: LinkCode, platform: str, external_id: str, *, chat_id: str | None = None,
                   username: str | None = None) -> Account | None:
        """This identity joined to the code's account (core.people decided it may), the code consumed."""
        await self.conn.execute(delete(link_codes).where(link_codes.c.code == code.code))
        if await self.by_identity(platform, external_id) is None:
            await self.conn.execute(identities.insert().values(
                platform=platform, external_id=str(external_id), account_id=code.account, chat_id=chat_id,
                username=username))
        else:
            changes = {k: v for k, v in (("chat_id", chat_id), ("username", username)) if v is not None}
            await self.conn.execute(update(identities).where(
                identities.c.platform == platform, identities.c.external_id == str(external_id))
                .values(account_id=code.account, **changes))
        return await self.get(code.account)
