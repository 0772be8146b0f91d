"""The record sheet the customer keeps: one PDF page per visit record, bilingual (Chinese
with reportlab's built-in CID font, so no font file ships with the service)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

if TYPE_CHECKING:
    from services.maintenance.models import Record

FONT = "STSong-Light"
LEFT, TOP, LINE = 18 * mm, A4[1] - 20 * mm, 6 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _lines(record: Record) -> list[str]:
    asset = record.plan.asset
    lines = [
        f"序列号 Serial no.: {record.serial_no}    型号 Model: {asset.product_model}",
        f"客户 Customer: {asset.customer_name or '-'}    地址 Site: {asset.site_address or '-'}",
        f"区域 Region: {record.region}    环境 Environment: {asset.environment or '-'}",
        f"到期日 Due date: {record.due_date or '-'}    "
        f"保养日期 Visited: {record.visited_at.isoformat()}",
        f"技术员 Technician: {record.technician}    下次到期 Next due: {record.next_due_date}",
        "",
        "保养项目 Tasks:",
    ]
    for task in record.tasks:
        mark = "完成 done" if task["done"] else "未完成 not done"
        note = f" — {task['note']}" if task.get("note") else ""
        lines.append(f"  [{mark}] {task['task']}{note}")
    lines += ["", f"检查结果 Findings: {record.findings or '-'}", "", "发现问题 Problems:"]
    lines += [
        f"  {n}. {'危险 HAZARD: ' if p['hazard'] else ''}{p['description']}"
        for n, p in enumerate(record.problems, start=1)
    ] or ["  -"]
    lines += ["", "照片与文件 Photos and documents:"]
    lines += [
        f"  {a['kind']}: {a['reference']} sha256 {a['sha256'][:16]}…" for a in record.attachments
    ] or ["  -"]
    lines += ["", f"客户签字 Signed by the customer: {record.signed_by}"]
    return lines


def render_record_sheet(record: Record) -> bytes:
    """The record as a PDF document."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"Maintenance record {record.id}")
    font = _font()
    pdf.setFont(font, 15)
    pdf.drawString(LEFT, TOP, "保养记录 Maintenance record")
    pdf.setFont(font, 10)
    y = TOP - 2 * LINE
    for line in _lines(record):
        if y < 20 * mm:
            pdf.showPage()
            pdf.setFont(font, 10)
            y = TOP
        pdf.drawString(LEFT, y, line[:110])
        y -= LINE
    pdf.drawString(LEFT, 15 * mm, f"Record {record.id}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
