"""The Olist vocabulary every layer shares: order statuses, payment types, states.

Defined once here; the raw-data contract, the primary tables, the features, the
generator, the app and the scoring service all read them from this module.
"""

from __future__ import annotations

ORDER_STATUSES = (
    "approved",
    "canceled",
    "created",
    "delivered",
    "invoiced",
    "processing",
    "shipped",
    "unavailable",
)
# In this order: ties of value between payment types go to the first one.
PAYMENT_TYPES = ("credit_card", "boleto", "voucher", "debit_card", "not_defined")
# The payment types a person's spending shares are computed for ("not_defined"
# is a handful of zero-value rows in the real data).
MODELLED_PAYMENT_TYPES = PAYMENT_TYPES[:4]
# The 27 federative units of Brazil.
STATES = (
    "AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA",
    "PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO",
)  # fmt: skip
