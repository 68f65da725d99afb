"""Money in and back: checkouts waiting for their payment, buyers' vouchers, and the refunds to ask of a
payment provider (queued with what decided them)."""

from __future__ import annotations

from sqlalchemy import select, update

from core.checkout import Checkout, PaymentState
from core.ports import Conflict
from core.refunds import Refund
from core.vouchers import Voucher
from storage import mapping
from storage.database import insert_ignoring_duplicates
from storage.tables import checkouts, refunds, vouchers
from storage.transaction import InTransaction


class PaymentRows(InTransaction):
    """The payments part of `SqlUnitOfWork`."""

    async def checkout(self, checkout_id: str) -> Checkout | None:
        row = (await self.conn.execute(select(checkouts).where(checkouts.c.id == checkout_id))).first()
        return mapping.checkout_from(row) if row else None

    async def save_checkout(self, checkout: Checkout, expected: PaymentState | None = None) -> None:
        self.writing()
        row = mapping.checkout_row(checkout)
        if expected is not None:
            done = await self.conn.execute(update(checkouts).where(
                checkouts.c.id == checkout.id, checkouts.c.state == expected.value).values(**row))
            if done.rowcount != 1:
                raise Conflict(checkout.id)
        else:
            await self.upsert(checkouts, row)

    async def vouchers_of(self, account: str) -> list[Voucher]:
        rows = await self.conn.execute(select(vouchers).where(vouchers.c.account_id == account,
                                                              vouchers.c.amount > 0).order_by(vouchers.c.expires_at))
        return [mapping.voucher_from(r) for r in rows]

    async def draw_vouchers(self, draws: tuple[tuple[str, int], ...]) -> None:
        """Takes these amounts off these vouchers, each only if it still holds that much (else Conflict: another
        order used it meanwhile)."""
        self.writing()
        for voucher_id, amount in draws:
            done = await self.conn.execute(update(vouchers).where(vouchers.c.id == voucher_id,
                                                                  vouchers.c.amount >= amount)
                                           .values(amount=vouchers.c.amount - amount))
            if done.rowcount != 1:
                raise Conflict(f"voucher {voucher_id} no longer holds {amount}")

    async def queue_refund(self, refund: Refund) -> None:
        await self.queue_refunds([refund])

    async def queue_refunds(self, to_refund: list[Refund]) -> None:
        self.writing()
        now = self.clock.now()
        await insert_ignoring_duplicates(self.conn, refunds, [{
            "provider": refund.provider, "provider_ref": refund.provider_ref, "order_id": refund.order_id,
            "account_id": refund.buyer, "amount": refund.amount, "currency": refund.currency, "state": "pending",
            "attempts": 0, "created_at": now, "next_attempt_at": now} for refund in to_refund])
