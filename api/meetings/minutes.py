"""Minutes (会议纪要) as a document: the same blocks written as DOCX (python-docx) or PDF (fpdf2
with a CJK font, the WenQuanYi Zen Hei the Makefile installs: ``make browser-deps``).

Personal data: for a reader without personal:read, the owners' phones are masked as the
registers mask them, and any phone number typed into the minutes' own words is masked too
(domain.meetings.rules.mask_phones_in_text)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from domain.kernel.time import CHINA
from domain.meetings.model import (
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TASK_STATUS_LABELS,
    TYPE_LABELS,
    Meeting,
    MeetingStatus,
    RatingTarget,
    Task,
)
from domain.meetings.rules import mask_phones_in_text, satisfaction
from domain.registers.masking import mask_phone
from persistence.meetings.queries import Contact

NUMERALS = "一二三四五六七八九十"


@dataclass
class Minutes:
    """The document as blocks: a title, then (kind, text) lines, and the tasks' table."""

    title: str
    blocks: list[tuple[str, str]] = field(default_factory=list)
    table_header: tuple[str, ...] = ()
    table: list[tuple[str, ...]] = field(default_factory=list)
    table_after: int = 0  # the table goes after this many blocks

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _when(at: datetime) -> str:
    local = at.astimezone(CHINA)
    return f"{_day(local.date())} {local:%H:%M}"


def _numbered(n: int) -> str:
    return NUMERALS[n] if n < len(NUMERALS) else str(n + 1)


def compose(
    meeting: Meeting,
    tasks: Sequence[Task],
    *,
    contacts: dict[int, Contact],
    task_titles: dict[int, str],
    personal: bool,
) -> Minutes:
    """The minutes of a meeting as blocks, masked for a reader without personal:read."""
    text: Callable[[str], str] = (lambda s: s) if personal else mask_phones_in_text
    phone: Callable[[str | None], str | None] = (lambda s: s) if personal else mask_phone
    m = meeting
    doc = Minutes(f"{m.org_name}{TYPE_LABELS[m.type]}会议纪要")
    doc.p(f"会议名称：{text(m.title)}")
    doc.p(f"会议类型：{TYPE_LABELS[m.type]}")
    doc.p(f"召开组织：{m.org_name}")
    doc.p(f"会议日期：{_day(m.held_on)}")
    if m.place:
        doc.p(f"会议地点：{text(m.place)}")
    final = m.status is MeetingStatus.FINAL
    doc.p(f"纪要状态：{STATUS_LABELS[m.status] if final else '草稿（未定稿）'}")
    _attendance(doc, m, text)
    _agenda(doc, m, text)
    if m.decisions:
        doc.h("会议决定")
        for n, d in enumerate(m.decisions, start=1):
            doc.p(f"{n}. {text(d)}")
    if tasks:
        doc.h("交办事项（责任分工、目标任务、具体措施、完成时限）")
        doc.table_after = len(doc.blocks)
        doc.table_header = (
            "事项",
            "责任人",
            "联系电话",
            "目标任务",
            "具体措施",
            "完成时限",
            "状态",
        )
        for t in tasks:
            owner_phone = phone(
                contacts[t.owner_member_id].phone if t.owner_member_id in contacts else None
            )
            doc.table.append(
                (
                    text(t.title),
                    t.owner_name,
                    owner_phone or "—",
                    text(t.target),
                    text(t.measures),
                    _day(t.deadline),
                    TASK_STATUS_LABELS[t.status],
                )
            )
    _ratings(doc, m, contacts, task_titles)
    if m.summary.strip():
        doc.h("会议小结")
        doc.p(text(m.summary))
    if final and m.finalised_at is not None:
        doc.p(f"定稿：{m.finalised_by or ''}，{_when(m.finalised_at)}")
    return doc


def _attendance(doc: Minutes, m: Meeting, text: Callable[[str], str]) -> None:
    doc.h("出席情况")
    present = [a.name for a in m.attendees if a.present]
    absent = [a for a in m.attendees if not a.present]
    doc.p(f"应到 {len(m.attendees)} 人，实到 {len(present)} 人。")
    if present:
        doc.p("出席：" + "、".join(present))
    if absent:
        doc.p("缺席：" + "；".join(f"{a.name}（{text(a.absence_reason or '')}）" for a in absent))
    if m.representatives:
        doc.p(
            f"群众代表 {len(m.representatives)} 人：" + "、".join(r.name for r in m.representatives)
        )


def _agenda(doc: Minutes, m: Meeting, text: Callable[[str], str]) -> None:
    if m.agenda:
        doc.h("议程及纪要")
        for n, item in enumerate(m.agenda):
            issue = f"（问题编号 {item.issue_id}）" if item.issue_id else ""
            doc.p(f"{_numbered(n)}、{text(item.title)}{issue}")
            if item.minutes.strip():
                doc.p(text(item.minutes))
    reports = [a for a in m.attendees if a.present and a.report.strip()]
    if reports:
        doc.h("党员对账汇报")
        for a in reports:
            doc.p(f"{a.name}：{text(a.report)}")


def _ratings(
    doc: Minutes, m: Meeting, contacts: dict[int, Contact], task_titles: dict[int, str]
) -> None:
    if not m.ratings:
        return
    whole, each = satisfaction(m.ratings)
    doc.h("民主评议结果")
    doc.p(f"共收到评议 {whole.rated} 份，总体满意率 {_rate(whole.rate)}（满意与基本满意）。")
    for s in each:
        if s.target is RatingTarget.MEMBER:
            who = contacts.get(s.target_id or 0)
            name = f"党员 {who.name if who else s.target_id}"
        else:
            name = f"交办事项“{task_titles.get(s.target_id or 0, s.target_id)}”"
        doc.p(f"{name}：{s.rated} 份评议，满意率 {_rate(s.rate)}")
    counts = dict.fromkeys(SATISFACTION_LABELS, 0)
    for r in m.ratings:
        counts[r.level] += 1
    doc.p("；".join(f"{SATISFACTION_LABELS[k]} {v} 份" for k, v in counts.items()))


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


# ── DOCX ──


def to_docx(doc: Minutes) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = Document()
    normal = out.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Word picks the CJK face here
    heading = out.add_heading(doc.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, (kind, line) in enumerate(doc.blocks):
        if n == doc.table_after and doc.table:
            _docx_table(out, doc)
        if kind == "h":
            out.add_heading(line, level=1)
        else:
            out.add_paragraph(line)
    if doc.table and doc.table_after >= len(doc.blocks):
        _docx_table(out, doc)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _docx_table(out: object, doc: Minutes) -> None:
    table = out.add_table(rows=1, cols=len(doc.table_header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, doc.table_header, strict=True):
        cell.text = name
    for row in doc.table:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


# ── PDF ──


class FontMissing(Exception):
    """The CJK font is not installed: a PDF in Chinese cannot be written."""


def to_pdf(doc: Minutes, *, font: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    if not Path(font).is_file():
        raise FontMissing(font)
    pdf = FPDF(format="A4")
    pdf.set_title(doc.title)
    pdf.set_creator("联户 Lianhu")
    pdf.add_font("cjk", fname=font)
    pdf.add_font("cjk", style="B", fname=font)  # the table's headings (one weight in the file)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, doc.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for n, (kind, line) in enumerate(doc.blocks):
        if n == doc.table_after and doc.table:
            _pdf_table(pdf, doc)
        pdf.set_font("cjk", size=13 if kind == "h" else 10.5)
        if kind == "h":
            pdf.ln(2)
        pdf.multi_cell(0, 7 if kind == "h" else 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.table and doc.table_after >= len(doc.blocks):
        _pdf_table(pdf, doc)
    return bytes(pdf.output())


def _pdf_table(pdf: object, doc: Minutes) -> None:
    pdf.set_font("cjk", size=9)  # type: ignore[attr-defined]
    widths = (30, 16, 24, 36, 36, 24, 14)
    with pdf.table(col_widths=widths, text_align="LEFT") as table:  # type: ignore[attr-defined]
        header = table.row()
        for name in doc.table_header:
            header.cell(name)
        for values in doc.table:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(2)  # type: ignore[attr-defined]
