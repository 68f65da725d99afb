"""The seller's offer steps on Telegram take what their prompts invite: "0" extra days, "0" revisions."""

from bots.telegram import offer_steps


def written_up_to(step: str) -> dict:
    dialog = offer_steps.start("EUR")
    for answer in ("Logo", "A vector logo", "120", "3"):
        assert offer_steps.take_text(dialog, answer) is None
    if step == "option_days":
        offer_steps.take_button(dialog, "add")
        for answer in ("Source files", "30"):
            assert offer_steps.take_text(dialog, answer) is None
    else:
        offer_steps.take_button(dialog, "next")
    assert dialog["step"] == step
    return dialog


def test_an_option_that_needs_no_extra_day_takes_zero():
    dialog = written_up_to("option_days")
    assert offer_steps.take_text(dialog, "0") is None
    assert dialog["draft"]["options"][0]["days"] == 0 and dialog["step"] == "options"


def test_an_offer_without_revisions_takes_zero():
    dialog = written_up_to("revisions")
    assert offer_steps.take_text(dialog, "0") is None
    assert dialog["draft"]["revisions"] == 0 and dialog["step"] == "contact"


def test_a_delivery_time_of_zero_days_is_still_refused():
    dialog = offer_steps.start("EUR")
    for answer in ("Logo", "A vector logo", "120"):
        offer_steps.take_text(dialog, answer)
    assert offer_steps.take_text(dialog, "0").render("en") == "Please write a whole number of days, like 3."
    assert dialog["step"] == "days"
