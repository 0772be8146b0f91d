"""Money as billing counts it: Decimal, rounded half-up to the cent on each line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_CURRENCY = "CNY"
DEFAULT_TAX_RATE = "0.13"


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to 0.01.

    Why half-up and why per line: a Chinese VAT invoice (fapiao) prints each line's amount and
    tax already rounded to the fen, half-up (四舍五入), and its totals are the sums of the
    printed lines. Rounding each line, then summing, makes every total the customer can add
    up on paper equal the one we charge; rounding only the total (or banker's rounding) would
    leave a cent between the printed lines and the amount due.
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_on(net: Decimal, rate: Decimal) -> Decimal:
    """The tax of one line: prices are tax-exclusive, the tax is rounded per line."""
    return to_cents(net * rate)


def split_gross(gross: Decimal, rate: Decimal) -> tuple[Decimal, Decimal]:
    """A tax-inclusive amount (a refund, a credit) as (net, tax) that add up to it exactly."""
    net = to_cents(gross / (1 + rate))
    return net, gross - net


def parse_tax_rate(raw: str) -> Decimal:
    """The configured tax rate (AFTERCARE_BILLING_TAX_RATE): a fraction in [0, 1)."""
    try:
        rate = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"tax rate {raw!r} is not a decimal") from exc
    if not rate.is_finite() or not ZERO <= rate < 1:
        raise ValueError(f"tax rate {raw!r} must be a fraction in [0, 1), e.g. 0.13")
    return rate
