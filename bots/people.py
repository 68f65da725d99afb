"""A person as every adapter sees them: their account, their language, their viewer for core, and whether
they may moderate right now (checked live by their platform's adapter, never read from the account)."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import translate
from core.model import Viewer
from storage.accounts import Account


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

    def t(self, msgid: str, **params) -> str:
        return translate(msgid, self.lang).format(**params)
