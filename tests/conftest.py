"""Every test renders amounts as the running desk does: in the reader's locale, with the currency's symbol."""

from bots.render import money
from core.i18n import use_money_format

use_money_format(money)
