"""Button payloads: an order id, an action and the order's version, small enough for every platform.

Telegram allows 64 bytes of callback data and Discord 100 characters of custom id. A button carries
no authority: the server checks everything again when it is pressed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.model import Action

PREFIX = "o"
LIMIT = 64
_ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,20}")
#: the action's own name is its code: stable across releases, so old buttons never change meaning.
#: Placing an order is not an action on an order (no button carries it): such a payload is forged.
_ACTIONS = {action.value: action for action in Action if action is not Action.PLACE_ORDER}


class BadButton(ValueError):
    """The payload was not made by us, or not by this version of us."""


@dataclass(frozen=True)
class ButtonData:
    order_id: str
    action: Action
    version: int

    def encode(self) -> str:
        data = f"{PREFIX}:{self.order_id}:{self.action.value}:{self.version}"
        if len(data.encode()) > LIMIT:
            raise ValueError(f"button payload too long: {data}")
        return data

    @classmethod
    def decode(cls, data: str) -> ButtonData:
        parts = data.split(":") if isinstance(data, str) else []
        if len(parts) != 4 or parts[0] != PREFIX:
            raise BadButton(data)
        _, order_id, code, version = parts
        if not _ORDER_ID.fullmatch(order_id) or code not in _ACTIONS:
            raise BadButton(data)
        if not version.isdigit() or len(version) > 9 or version != str(int(version)):
            raise BadButton(data)
        return cls(order_id, _ACTIONS[code], int(version))
