"""Explicit row <-> domain mapping: the engine's values in, the engine's values out."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.checkout import Checkout, PaymentState
from core.discussion import CustomOffer, CustomOfferState, Discussion
from core.events import Event
from core.model import (
    Action,
    Deadline,
    Delivery,
    Dispute,
    Extension,
    Offer,
    Option,
    Order,
    Proposal,
    Resolution,
    Review,
    Role,
    Stage,
)
from core.vouchers import Voucher


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def order_row(order: Order) -> dict:
    return {
        "id": order.id,
        "version": order.version,
        "stage": order.stage.value,
        "buyer_id": order.buyer,
        "seller_id": order.seller,
        "offer_id": order.offer_id,
        "title": order.title,
        "price": order.price,
        "tip": order.tip,
        "refunded": order.refunded,
        "credit": order.credit,
        "currency": order.currency,
        "delivery_days": order.delivery_days,
        "revision_days": order.revision_days,
        "revisions_allowed": order.revisions_allowed,
        "revisions_used": order.revisions_used,
        "brief": order.brief,
        "brief_files": list(order.brief_files),
        "late": order.late,
        "cancellation_reason": order.cancellation_reason,
        "cancellation_answer_overdue": order.cancellation_answer_overdue,
        "refused_cancellations": order.refused_cancellations,
        "revision_request": order.revision_request,
        "revision_answer_overdue": order.revision_answer_overdue,
        "deadlines": {kind.value: due.isoformat() for kind, due in order.deadlines},
        "deliveries": [
            {"message": d.message, "files": list(d.files), "at": d.at.isoformat(), "on_time": d.on_time}
            for d in order.deliveries
        ],
        "proposal": (
            {"amount": order.proposal.amount, "reason": order.proposal.reason, "at": order.proposal.at.isoformat()}
            if order.proposal else None
        ),
        "extension": (
            {"days": order.extension.days, "reason": order.extension.reason, "at": order.extension.at.isoformat()}
            if order.extension else None
        ),
        "dispute": _dispute_json(order.dispute),
        "resolution": order.resolution.value if order.resolution else None,
        "payment_ref": order.payment_ref,
        "paid_at": order.paid_at,
        "accepted_at": order.accepted_at,
        "closed_at": order.closed_at,
    }


def _dispute_json(d: Dispute | None) -> dict | None:
    if d is None:
        return None
    return {
        "opened_by": d.opened_by.value, "reason": d.reason, "at": d.at.isoformat(), "previous": d.previous.value,
        "frozen": d.frozen, "moderator": d.moderator,
        "remaining": {kind.value: left.total_seconds() for kind, left in d.remaining},
    }


def _dispute(data: dict | None) -> Dispute | None:
    if data is None:
        return None
    return Dispute(
        Role(data["opened_by"]), data["reason"], _time(data["at"]), Stage(data["previous"]), data["frozen"],
        data["moderator"],
        tuple((Deadline(k), timedelta(seconds=v)) for k, v in sorted(data["remaining"].items())),
    )


def review_row(order: Order) -> dict | None:
    r = order.review
    if r is None:
        return None
    return {"order_id": order.id, "seller_id": order.seller, "positive": r.positive, "comment": r.comment,
            "at": r.at, "reply": r.reply, "reply_at": r.reply_at}


def order_from(row, review=None) -> Order:
    p, x = row.proposal, row.extension
    return Order(
        id=row.id,
        buyer=row.buyer_id,
        seller=row.seller_id,
        offer_id=row.offer_id,
        title=row.title,
        price=row.price,
        tip=row.tip,
        currency=row.currency,
        delivery_days=row.delivery_days,
        revision_days=row.revision_days,
        revisions_allowed=row.revisions_allowed,
        paid_at=row.paid_at,
        stage=Stage(row.stage),
        version=row.version,
        brief=row.brief,
        brief_files=tuple(row.brief_files),
        deadlines=tuple(sorted((Deadline(k), _time(v)) for k, v in row.deadlines.items())),
        late=row.late,
        cancellation_reason=row.cancellation_reason,
        cancellation_answer_overdue=row.cancellation_answer_overdue,
        refused_cancellations=row.refused_cancellations,
        revision_request=row.revision_request,
        revision_answer_overdue=row.revision_answer_overdue,
        revisions_used=row.revisions_used,
        deliveries=tuple(Delivery(d["message"], tuple(d["files"]), _time(d["at"]), d["on_time"]) for d in row.deliveries),
        proposal=Proposal(p["amount"], p["reason"], _time(p["at"])) if p else None,
        extension=Extension(x["days"], x["reason"], _time(x["at"])) if x else None,
        refunded=row.refunded,
        credit=row.credit,
        dispute=_dispute(row.dispute),
        accepted_at=row.accepted_at,
        closed_at=row.closed_at,
        resolution=Resolution(row.resolution) if row.resolution else None,
        review=(Review(review.positive, review.comment, review.at, review.reply, review.reply_at)
                if review is not None else None),
        payment_ref=row.payment_ref,
    )


def event_row(e: Event) -> dict:
    return {"order_id": e.order_id, "version": e.version, "action": e.action.value, "role": e.role.value,
            "actor": e.actor, "at": e.at, "before": e.before.value if e.before else None, "after": e.after.value,
            "data": dict(e.data)}


def event_from(row) -> Event:
    return Event(row.order_id, row.version, Action(row.action), Role(row.role), row.actor, row.at,
                 Stage(row.before) if row.before else None, Stage(row.after), tuple(sorted(row.data.items())))


def offer_rows(offer: Offer, now: datetime) -> tuple[dict, list[dict]]:
    row = {"id": offer.id, "seller_id": offer.seller, "title": offer.title, "description": offer.description,
           "price": offer.price, "currency": offer.currency, "delivery_days": offer.delivery_days,
           "revisions": offer.revisions, "revision_days": offer.revision_days,
           "contact_allowed": offer.contact_allowed, "active": offer.active, "updated_at": now}
    options = [{"offer_id": offer.id, "id": o.id, "position": i, "title": o.title, "price": o.price,
                "extra_days": o.extra_days} for i, o in enumerate(offer.options)]
    return row, options


def offer_from(row, options) -> Offer:
    return Offer(row.id, row.seller_id, row.title, row.description, row.price, row.currency, row.delivery_days,
                 tuple(Option(o.id, o.title, o.price, o.extra_days) for o in sorted(options, key=lambda o: o.position)),
                 row.revisions, row.revision_days, row.contact_allowed, row.active)


def checkout_row(c: Checkout) -> dict:
    return {"id": c.id, "buyer_id": c.buyer, "seller_id": c.seller, "offer_id": c.offer_id,
            "custom_offer_id": c.custom_offer_id, "options": list(c.options), "tip": c.tip, "brief": c.brief,
            "files": list(c.files), "amount": c.amount, "currency": c.currency, "provider": c.provider,
            "created_at": c.created_at, "state": c.state.value, "provider_ref": c.provider_ref,
            "order_id": c.order_id, "credit": c.credit, "draws": [list(d) for d in c.draws] or None}


def checkout_from(row) -> Checkout:
    return Checkout(row.id, row.buyer_id, row.seller_id, row.offer_id, row.custom_offer_id, tuple(row.options),
                    row.tip, row.brief, tuple(row.files), row.amount, row.currency, row.provider, row.created_at,
                    PaymentState(row.state), row.provider_ref, row.order_id, row.credit,
                    tuple((voucher, amount) for voucher, amount in row.draws or ()))


def voucher_row(v: Voucher) -> dict:
    return {"id": v.id, "account_id": v.account, "currency": v.currency, "amount": v.amount, "issued": v.issued,
            "order_id": v.order_id, "issued_at": v.issued_at, "expires_at": v.expires_at}


def voucher_from(row) -> Voucher:
    return Voucher(row.id, row.account_id, row.currency, row.amount, row.issued, row.order_id, row.issued_at,
                   row.expires_at)


def custom_offer_row(c: CustomOffer) -> dict:
    return {"id": c.id, "discussion_id": c.discussion_id, "buyer_id": c.buyer, "seller_id": c.seller,
            "title": c.title, "description": c.description, "price": c.price, "currency": c.currency,
            "delivery_days": c.delivery_days, "sent_at": c.sent_at, "expires_at": c.expires_at,
            "state": c.state.value, "order_id": c.order_id}


def custom_offer_from(row) -> CustomOffer:
    return CustomOffer(row.id, row.discussion_id, row.buyer_id, row.seller_id, row.title, row.description,
                       row.price, row.currency, row.delivery_days, row.sent_at, row.expires_at,
                       CustomOfferState(row.state), row.order_id)


def discussion_row(d: Discussion) -> dict:
    return {"id": d.id, "offer_id": d.offer_id, "buyer_id": d.buyer, "seller_id": d.seller, "opened_at": d.opened_at}


def discussion_from(row) -> Discussion:
    return Discussion(row.id, row.offer_id, row.buyer_id, row.seller_id, row.opened_at)
