"""The invoice as a PDF for the customer: header, the itemised fee list (warranty-covered
lines at zero with the reason), totals, payments and credits. Chinese text is set in
reportlab's built-in CID font (STSong-Light), so no font file is needed."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
LEFT, TOP, BOTTOM, LINE = 40, A4[1] - 50, 60, 15
COLUMNS = (
    ("#", 40),
    ("item 项目", 60),
    ("qty 数量", 290),
    ("unit 单价", 335),
    ("net 金额", 395),
    ("tax 税额", 455),
    ("note 备注", 510),
)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


class _Page:
    """A canvas that writes line by line and turns the page when it is full."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas, self.y = canvas, TOP

    def text(self, x: float, value: str, size: int = 9) -> None:
        self.canvas.setFont(_font(), size)
        self.canvas.drawString(x, self.y, value)

    def next(self, lines: int = 1) -> None:
        self.y -= LINE * lines
        if self.y < BOTTOM:
            self.canvas.showPage()
            self.y = TOP


def _header(page: _Page, invoice: Any) -> None:
    title = "发票 Invoice" if invoice.number else "费用清单 Itemised fee list (draft)"
    page.text(LEFT, f"Aftercare — {title}", 15)
    page.next(2)
    facts = [
        ("编号 Number", invoice.number or "(draft, not yet issued)"),
        ("状态 Status", invoice.status),
        ("区域 Region", invoice.region),
        ("客户 Customer", invoice.customer_name or "—"),
        ("工单 Work order", str(invoice.work_order_id or "—")),
        ("产品 Product", f"{invoice.product_model} {invoice.serial_no or ''}"),
        ("完工 Work done", invoice.work_done_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("开票 Issued", invoice.issued_at.strftime("%Y-%m-%d") if invoice.issued_at else "—"),
        ("价目表 Fee schedule", f"v{invoice.schedule_number or '—'}"),
    ]
    for label, value in facts:
        page.text(LEFT, label)
        page.text(LEFT + 130, value)
        page.next()
    page.next()


def _note(ln: Any) -> str:
    if ln.covered:
        return "保修 warranty"
    return "" if ln.priced else "未定价 unpriced"


def _lines(page: _Page, invoice: Any) -> None:
    for title, x in COLUMNS:
        page.text(x, title, 8)
    page.next()
    for ln in invoice.lines:
        cells = (
            str(ln.line_no),
            ln.description[:42],
            str(ln.quantity),
            str(ln.unit_price),
            str(ln.net),
            str(ln.tax),
            _note(ln),
        )
        for (_, x), value in zip(COLUMNS, cells, strict=True):
            page.text(x, value, 8)
        page.next()
    for ln in invoice.lines:
        if ln.covered:  # the reason a line is at zero, in full
            page.text(
                LEFT + 20,
                f"#{ln.line_no} 保修 {ln.coverage_reason} (list price {ln.unit_price})",
                8,
            )
            page.next()
    page.next()


def _totals(page: _Page, invoice: Any, credits: Sequence[Any]) -> None:
    cur = invoice.currency
    rows = [
        ("金额合计 Net", invoice.net_total),
        (f"税额 Tax ({invoice.tax_rate * 100:.2f}%)", invoice.tax_total),
        ("价税合计 Total", invoice.total),
        ("已付 Paid", invoice.amount_paid),
        ("已冲 Credited", invoice.amount_credited),
        ("应付 Outstanding", invoice.outstanding),
    ]
    for label, amount in rows:
        page.text(LEFT + 300, label, 10)
        page.text(LEFT + 430, f"{amount} {cur}", 10)
        page.next()
    page.next()
    for p in invoice.payments:
        page.text(
            LEFT,
            f"付款 Payment {p.received_at:%Y-%m-%d} {p.method} {p.amount} {p.currency}"
            f" {p.reference or ''}",
        )
        page.next()
    for c in credits:
        page.text(LEFT, f"红字 Credit note {c.number} {c.amount} {c.currency}: {c.reason[:60]}")
        page.next()


def render_invoice(invoice: Any, credits: Sequence[Any]) -> bytes:
    """The PDF bytes of an invoice (or a draft's fee list)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(invoice.number or "fee list")
    page = _Page(canvas)
    _header(page, invoice)
    _lines(page, invoice)
    _totals(page, invoice, credits)
    canvas.save()
    return buffer.getvalue()


def _section(page: _Page, title: str, rows: Sequence[tuple[str, str]]) -> None:
    page.text(LEFT, title, 11)
    page.next()
    for label, amount in rows:
        page.text(LEFT + 20, label[:70])
        page.text(LEFT + 400, amount)
        page.next()
    page.next()


def render_fee_schedule(schedule: Any) -> bytes:
    """The published price list as a PDF for customers (prices exclude tax)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"fee schedule v{schedule.number}")
    page = _Page(canvas)
    cur = schedule.currency
    page.text(LEFT, f"Aftercare — 收费标准 Fee schedule v{schedule.number}", 15)
    page.next(2)
    since = schedule.effective_from.strftime("%Y-%m-%d %H:%M UTC")
    page.text(LEFT, f"生效 In force from {since}; 税率 tax {schedule.tax_rate * 100:.2f}% extra")
    page.next(2)
    fees = [
        (f"上门费 call-out, {f['region']}", f"{f['amount']} {cur}") for f in schedule.callout_fees
    ]
    _section(page, "上门费 Call-out fees", fees)
    rates = [
        (f"{r['service_kind']} · {r['product_type']}", f"{r['rate_per_hour']} {cur}/h")
        for r in schedule.labour_rates
    ]
    _section(page, "工时费 Labour rates", rates)
    parts = [
        (f"{p['part_no']} {p.get('description', '')}", f"{p['price']} {cur}")
        for p in schedule.parts
    ]
    _section(page, "配件 Parts", parts)
    products = [(p["model"], f"{p['price']} {cur}") for p in schedule.products]
    _section(page, "整机更换 Replacement units", products)
    canvas.save()
    return buffer.getvalue()
