"""A service's refusal in the register's language, by its reason code.

The services refuse with a `Refused(reason, message)` value whose message is
English (the till's API and the command line show it as it is). The window
shows the reason's words from this table instead, translated; in English it
keeps the service's own message (it names the code, the amount, the
customer). A reason the table does not know (a new one) falls back to the
service's message. A test lists every reason code the services use and
checks the table has it.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TR_NOOP

from pos_app.qt.language import SOURCE_LANGUAGE, current_language, tr
from pos_app.services.outcome import Refused

REFUSAL_WORDS = {
    "already_paid": QT_TR_NOOP("This sale was already paid."),
    "already_reversed": QT_TR_NOOP("This entry was already reversed."),
    "already_voided": QT_TR_NOOP("This order is already voided."),
    "backup_failed": QT_TR_NOOP("The backup could not be written."),
    "bad_birthday": QT_TR_NOOP("The birthday is in the future."),
    "bad_check_digit": QT_TR_NOOP("Wrong check digit: scan it again."),
    "bad_key_name": QT_TR_NOOP("A key name has letters, digits, '.', '_' or '-', at most 32."),
    "bad_points": QT_TR_NOOP("Points to spend: a whole number, or M for the most allowed."),
    "bad_price": QT_TR_NOOP("A unit price that high is a mistake."),
    "bad_quantity": QT_TR_NOOP("That quantity cannot be used: a whole number of items, or a weight like 0.532."),
    "bad_return_id": QT_TR_NOOP("A return id is 1 to 64 letters, digits, '.', '_' or '-'."),
    "bad_transaction_id": QT_TR_NOOP("A transaction id is 1 to 64 letters, digits, '.', '_', ':' or '-'."),
    "cache_too_old": QT_TR_NOOP("Offline for too long: points cannot be spent until the register reconnects."),
    "card_taken": QT_TR_NOOP("This card number already belongs to a customer."),
    "central_decides_tiers": QT_TR_NOOP("The central service decides tiers over every store; this register "
                                        "shows them."),
    "central_expires_points": QT_TR_NOOP("The central service expires points over every store; this register "
                                         "shows them."),
    "code_already_entered": QT_TR_NOOP("This code is already in the sale."),
    "code_not_owner": QT_TR_NOOP("This code belongs to another customer (a personal code: identify its "
                                 "customer first)."),
    "code_used": QT_TR_NOOP("This code has already been used."),
    "customer_required": QT_TR_NOOP("Identify the customer first (F2)."),
    "daily_limit": QT_TR_NOOP("Over this manager's daily limit of points adjusted."),
    "duplicate_line": QT_TR_NOOP("A line id appears twice."),
    "email_taken": QT_TR_NOOP("This e-mail already belongs to a customer: identify them instead."),
    "empty_code": QT_TR_NOOP("Type or scan a code."),
    "empty_input": QT_TR_NOOP("Scan a barcode or type a SKU."),
    "empty_sale": QT_TR_NOOP("The sale is empty: scan an item first."),
    "empty_search": QT_TR_NOOP("Type at least one letter or digit of the name."),
    "inactive_user": QT_TR_NOOP("This account is deactivated."),
    "insufficient_points": QT_TR_NOOP("The customer does not have that many points."),
    "key_exists": QT_TR_NOOP("A key with this name exists: remove it first, or choose another name."),
    "locked": QT_TR_NOOP("Too many wrong PINs: the account is locked for a few minutes."),
    "malformed_barcode": QT_TR_NOOP("Not a barcode: a barcode has 8, 12 or 13 digits."),
    "malformed_card": QT_TR_NOOP("Not a card number: a card number has 13 digits."),
    "malformed_code": QT_TR_NOOP("A code has letters and digits only, at most 64."),
    "malformed_email": QT_TR_NOOP("Not an e-mail address."),
    "malformed_order_number": QT_TR_NOOP("Not an order number: scan the receipt's barcode or type its order "
                                         "number."),
    "malformed_phone": QT_TR_NOOP("Not a phone number."),
    "malformed_pin": QT_TR_NOOP("A PIN has 4 to 8 digits."),
    "manager_required": QT_TR_NOOP("A manager's PIN is needed."),
    "more_than_sold": QT_TR_NOOP("More than is left to return of this line."),
    "name_required": QT_TR_NOOP("The name is required."),
    "name_too_long": QT_TR_NOOP("A name has at most 200 characters."),
    "needs_central": QT_TR_NOOP("This order was not sold at this register and the central service cannot be "
                                "reached now: try again once online."),
    "no_order": QT_TR_NOOP("This register has no order yet."),
    "no_receipt": QT_TR_NOOP("No receipt of this order is kept at this register."),
    "non_positive": QT_TR_NOOP("A transfer moves a positive whole number of points."),
    "not_allowed": QT_TR_NOOP("This account may not do that: a manager's PIN is needed."),
    "not_found": QT_TR_NOOP("No such customer."),
    "not_last_order": QT_TR_NOOP("Only the last sale can be voided: return the items of this order instead."),
    "not_parked": QT_TR_NOOP("That sale is no longer parked (already recalled)."),
    "nothing_to_return": QT_TR_NOOP("Choose the items to return."),
    "offline_customer_cap": QT_TR_NOOP("Offline, this customer may not spend that many points."),
    "offline_register_cap": QT_TR_NOOP("Offline, this register may not accept that many more points."),
    "order_has_returns": QT_TR_NOOP("This order has returns: return the rest instead."),
    "order_voided": QT_TR_NOOP("This order was voided."),
    "outbox_not_empty": QT_TR_NOOP("Some ledger entries are not synced yet: let the register sync before "
                                   "pairing it again."),
    "pairing_failed": QT_TR_NOOP("Pairing failed: check the address and the code."),
    "phone_taken": QT_TR_NOOP("This phone already belongs to a customer: identify them instead."),
    "price_changed": QT_TR_NOOP("The total has changed: check the new total and pay again."),
    "restore_failed": QT_TR_NOOP("The backup could not be restored."),
    "return_id_reused": QT_TR_NOOP("This return id was used for another return."),
    "return_window_closed": QT_TR_NOOP("The return window has closed: a manager's PIN is needed."),
    "reversal_of_reversal": QT_TR_NOOP("A reversal cannot be reversed."),
    "reward_not_in_sale": QT_TR_NOOP("Add the item the reward gives to the sale, or cancel the claim."),
    "sale_too_large": QT_TR_NOOP("This sale's total or points are beyond what a sale can be: check the quantities "
                                 "and prices."),
    "reward_unavailable": QT_TR_NOOP("This reward is no longer available: cancel the claim."),
    "same_customer": QT_TR_NOOP("Points cannot be transferred to the same customer."),
    "too_many_codes": QT_TR_NOOP("Too many codes in one sale."),
    "too_many_lines": QT_TR_NOOP("Too many lines in one sale."),
    "transaction_reused": QT_TR_NOOP("This transaction id was already used for another request."),
    "unknown_code": QT_TR_NOOP("No such code."),
    "unknown_customer": QT_TR_NOOP("No such customer."),
    "unknown_entry": QT_TR_NOOP("No such ledger entry."),
    "unknown_key": QT_TR_NOOP("No key with this name."),
    "unknown_line": QT_TR_NOOP("No such line in this sale."),
    "unknown_member": QT_TR_NOOP("No such card or member."),
    "unknown_order": QT_TR_NOOP("No such order at this register."),
    "unknown_product": QT_TR_NOOP("No such product."),
    "unknown_reason": QT_TR_NOOP("Choose a reason from the list."),
    "unknown_reward": QT_TR_NOOP("No such reward."),
    "unknown_user": QT_TR_NOOP("No such user."),
    "unsynced_entries": QT_TR_NOOP("Some ledger entries have not reached the central service: restoring would "
                                   "lose them. Let the register sync first."),
    "user_exists": QT_TR_NOOP("This user already exists."),
    "wrong_check_digit": QT_TR_NOOP("Wrong check digit: scan it again."),
    "wrong_pin": QT_TR_NOOP("Wrong PIN."),
    "wrong_register": QT_TR_NOOP("This register's ledger belongs to another register: ask for a code for "
                                 "this register."),
    "zero_points": QT_TR_NOOP("An adjustment is a non-zero whole number of points."),
}


def refusal_words(refused: Refused) -> str:
    """What the cashier reads for `refused`: its reason's words translated, else the service's own message."""
    words = REFUSAL_WORDS.get(refused.reason)
    if words is not None and current_language().code != SOURCE_LANGUAGE:
        return tr(words)
    return refused.message or refused.reason.replace("_", " ")


__all__ = ["REFUSAL_WORDS", "refusal_words"]
