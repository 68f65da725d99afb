"""People as core knows them: an account (one person, whatever platforms they use), its chat identities, and a
person as a front end sees them: their account, their language, their viewer for core, and whether they may
moderate right now (checked live by their platform's adapter, never read from the account)."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from core.events import Refusal
from core.i18n import translate
from core.linking import LinkCode, code_wait, link_refusal
from core.model import Viewer

if TYPE_CHECKING:  # core.ports names this module's Accounts port: imported for the annotations only
    from core.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class Account:
    id: str
    display_name: str
    language: str
    timezone: str
    suspended: bool  # (who may moderate is never kept here: it is checked live at every act)
    timezone_set: bool = False  # chosen by the person (else the marketplace's default)


@dataclass(frozen=True)
class Identity:
    platform: str
    external_id: str
    account_id: str
    chat_id: str | None
    username: str | None
    moderator: bool = False  # the last live check found a moderator: hears "every moderator" notices


@dataclass(frozen=True)
class Authority:
    """Why this person may moderate at this moment: the identity that acts and what made it a moderator
    (a role of the marketplace's server, a user id in the config), as the audit trail records it."""

    platform: str
    user_id: str
    grounds: str  # "role:<id>", or the config key that lists the user

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id} {self.grounds}"


@dataclass(frozen=True)
class Person:
    account: Account
    user_id: int  # the platform's id of the user
    chat_id: int | None = None  # where the bot answers them, on platforms where that differs
    moderator: Authority | None = None  # None: not a moderator for this act (or not checked: nothing needed it)

    @property
    def lang(self) -> str:
        return self.account.language

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.account.id, moderator=self.moderator is not None)

    def t(self, msgid: str, **params: object) -> str:
        return translate(msgid, self.lang).format(**params)


class Accounts(Protocol):
    """The accounts port, kept by storage (storage/accounts.py)."""

    async def get(self, account_id: str) -> Account | None: ...
    async def by_identity(self, platform: str, external_id: str) -> Account | None: ...
    async def by_username(self, platform: str, username: str) -> Account | None: ...
    async def identities(self, account_id: str) -> list[Identity]: ...
    async def unchanged(self, platform: str, external_id: str, *, chat_id: str | None = None,
                        username: str | None = None, moderator: bool | None = None) -> Account | None: ...
    async def ensure(self, platform: str, external_id: str, *, name: str = "", language: str = "en",
                     timezone: str = "UTC", chat_id: str | None = None, username: str | None = None,
                     moderator: bool | None = None) -> Account: ...
    async def set_preferences(self, account_id: str, *, language: str | None = None,
                              timezone: str | None = None) -> None: ...
    async def names(self, account_ids: Iterable[str]) -> dict[str, str]: ...
    async def suspend(self, moderator_id: str, account_id: str, suspended: bool, reason: str,
                      as_whom: str | None = None) -> None: ...
    async def live_codes(self, account_id: str) -> list[datetime]:
        """When each of this person's live link codes expires (expired ones, everyone's, purged on the way)."""
    async def add_link_code(self, code: str, account_id: str, platform: str, lifetime: timedelta) -> None: ...
    async def link_code(self, code: str) -> LinkCode | None: ...
    async def has_history(self, account_id: str) -> bool: ...
    async def join(self, code: LinkCode, platform: str, external_id: str, *, chat_id: str | None = None,
                   username: str | None = None) -> Account | None:
        """This identity joined to the code's account (once `link_refusal` let it), the code consumed."""


@dataclass
class People:
    """The use cases of accounts a front end needs: who is behind a platform's user, their preferences."""

    uow: UnitOfWorkFactory

    async def known(self, platform: str, external_id: str, *, name: str, language: str, timezone: str,
                    chat_id: str | None = None, username: str | None = None,
                    moderator: bool | None = None) -> Account:
        """The account behind this identity, created on first contact and kept current (chat, name, what the last
        live check said of it as a moderator: None when nothing was checked). Usually nothing changed: a read."""
        async with self.uow(read_only=True) as uow:
            account = await uow.accounts.unchanged(platform, external_id, chat_id=chat_id, username=username,
                                                   moderator=moderator)
        if account is not None:
            return account
        async with self.uow() as uow:
            account = await uow.accounts.ensure(platform, external_id, name=name, language=language,
                                                timezone=timezone, chat_id=chat_id, username=username,
                                                moderator=moderator)
            await uow.commit()
        return account

    async def set_preferences(self, account_id: str, *, language: str | None = None,
                              timezone: str | None = None) -> None:
        async with self.uow() as uow:
            await uow.accounts.set_preferences(account_id, language=language, timezone=timezone)
            await uow.commit()

    async def by_identity(self, platform: str, external_id: str) -> Account | None:
        async with self.uow() as uow:
            return await uow.accounts.by_identity(platform, external_id)

    async def by_username(self, platform: str, username: str) -> Account | None:
        """The account behind a platform username (with or without its @), as last seen."""
        async with self.uow() as uow:
            return await uow.accounts.by_username(platform, username)

    async def on_platform(self, account_ids: Iterable[str], platform: str) -> dict[str, tuple[Account, Identity]]:
        """account id -> (account, identity on this platform), for those of these accounts who are on it."""
        found = {}
        async with self.uow() as uow:
            for account_id in account_ids:
                if not account_id:
                    continue
                account = await uow.accounts.get(account_id)
                for identity in await uow.accounts.identities(account_id):
                    if identity.platform == platform and account is not None:
                        found[account_id] = (account, identity)
        return found

    # --- one person's accounts joined across platforms (core.linking decides when a code may join) ----------

    async def new_link_code(self, account_id: str, platform: str, lifetime: timedelta, most: int) -> str | datetime:
        """A fresh code for this account, made on this platform; or, when it holds `most` live codes already, the
        moment it may ask again."""
        async with self.uow() as uow:
            wait = code_wait(most, await uow.accounts.live_codes(account_id))
            if wait is not None:
                return wait
            from core.ports import new_id  # (core.ports imports this module: not at its top)
            code = new_id(8)
            await uow.accounts.add_link_code(code, account_id, platform, lifetime)
            await uow.commit()
        return code

    async def link_question(self, code: str, platform: str, account_id: str) -> LinkCode | Refusal:
        """The code typed on this platform by this account, if it may join them (the account it joins, to name in
        the question the person confirms); else why not."""
        async with self.uow(read_only=True) as uow:
            found = await uow.accounts.link_code(code)
            history = await uow.accounts.has_history(account_id)
        refusal = link_refusal(found, platform, account_id, history)
        if refusal is not None:
            return refusal
        assert found is not None  # (link_refusal refuses a code not found)
        return found

    async def link(self, code: str, platform: str, external_id: str, *, chat_id: str | None = None,
                   username: str | None = None) -> Account | Refusal:
        """The confirmation pressed: this identity joined to the code's account (the code checked again), or why
        not; nothing changes then."""
        async with self.uow() as uow:
            found = await uow.accounts.link_code(code)
            current = await uow.accounts.by_identity(platform, external_id)
            history = current is not None and await uow.accounts.has_history(current.id)
            refusal = link_refusal(found, platform, current.id if current else "", history)
            if refusal is not None:
                return refusal
            assert found is not None  # (link_refusal refuses a code not found)
            linked = await uow.accounts.join(found, platform, external_id, chat_id=chat_id, username=username)
            assert linked is not None  # the code's account: a link code goes with its account
            await uow.commit()
        return linked
