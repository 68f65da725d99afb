"""The escrow ledger: integer minor units, double entry, every movement a balanced transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

#: money outside Comptoir (the payment provider). The only account whose balance may go below zero:
#: it mirrors, negated, everything held inside.
WORLD = "world"
COMMISSION = "platform:commission"
EXPIRED = "platform:expired"


def escrow(order_id: str) -> str:
    return f"escrow:{order_id}"


def seller(account: str) -> str:
    return f"seller:{account}"


def buyer(account: str) -> str:
    """Where a buyer's refunds go: money handed back to them through the payment provider."""
    return f"refunds:{account}"


class LedgerError(ValueError):
    pass


@dataclass(frozen=True)
class Transaction:
    """One movement of money: postings (account, signed amount) that sum to zero."""

    id: str
    order_id: str
    kind: str  # payment | partial_refund | refund | release | split | expiry
    postings: tuple[tuple[str, int], ...]
    at: datetime

    def __post_init__(self) -> None:
        if sum(amount for _, amount in self.postings) != 0:
            raise LedgerError(f"transaction {self.id} does not balance")
        for account, amount in self.postings:
            if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
                raise LedgerError(f"transaction {self.id}: amount for {account} must be a non-zero integer")


def transfer(tx_id: str, order_id: str, kind: str, at: datetime, source: str, *legs: tuple[str, int]) -> Transaction:
    """Moves money from one account to several; legs of zero are left out."""
    legs = tuple((account, amount) for account, amount in legs if amount)
    total = sum(amount for _, amount in legs)
    return Transaction(tx_id, order_id, kind, ((source, -total), *legs), at)


class Ledger:
    """Balances replayed from transactions, refusing anything that would break an invariant."""

    RESOLUTIONS = frozenset({"refund", "release", "split", "expiry"})

    def __init__(self, transactions: Iterable[Transaction] = ()) -> None:
        self.balances: dict[str, int] = defaultdict(int)
        self.resolved: dict[str, str] = {}
        self.ids: set[str] = set()
        for tx in transactions:
            self.post(tx)

    def post(self, tx: Transaction) -> None:
        if tx.id in self.ids:
            raise LedgerError(f"transaction {tx.id} posted twice")
        if tx.kind in self.RESOLUTIONS and tx.order_id in self.resolved:
            raise LedgerError(f"escrow of order {tx.order_id} already settled ({self.resolved[tx.order_id]})")
        after = dict(self.balances)
        for account, amount in tx.postings:
            after[account] = after.get(account, 0) + amount
            if account != WORLD and after[account] < 0:
                raise LedgerError(f"transaction {tx.id} would leave {account} below zero")
        if tx.kind in self.RESOLUTIONS and after.get(escrow(tx.order_id), 0) != 0:
            raise LedgerError(f"settling order {tx.order_id} left money in escrow")
        self.balances.update(after)
        self.ids.add(tx.id)
        if tx.kind in self.RESOLUTIONS:
            self.resolved[tx.order_id] = tx.kind

    def balance(self, account: str) -> int:
        return self.balances.get(account, 0)

    def total(self) -> int:
        return sum(self.balances.values())
