"""A person as every adapter sees them: their account, their language, their viewer for core."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import translate
from core.model import Viewer
from storage.accounts import Account


@dataclass(frozen=True)
class Person:
    account: Account
    user_id: int  # the platform's id of the user
    chat_id: int | None = None  # where the bot answers them, on platforms where that differs

    @property
    def lang(self) -> str:
        return self.account.language

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.account.id, moderator=self.account.moderator)

    def t(self, msgid: str, **params) -> str:
        return translate(msgid, self.lang).format(**params)
