"""HTML for contact cards (党群联心卡): the public page behind a card's QR code, its 404, and the
printable A4 sheet of a village's cards. Every value is escaped; the pages load nothing external,
so they work on a weak signal and under a strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from html import escape

import segno

from api.issues.schemas import CardIssueOut
from api.service_orders.schemas import PublicOrderOut
from domain.disclosure.model import ContactCard, ShownMember
from domain.disclosure.services import PrintedCard
from domain.issues.model import RATING_LABELS
from domain.kernel.time import CHINA
from domain.service_orders.model import RATING_LABELS as ORDER_RATING_LABELS

FONTS = '"PingFang SC","Noto Sans CJK SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif'
# The pages carry no script and no external resource; tokens must not leak through Referer.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
}
NO_MEMBER = "尚未联户"

_PUBLIC_CSS = f"""
body {{ margin: 0; background: #f6f1ee; color: #222; font-family: {FONTS}; }}
main {{ max-width: 30rem; margin: 0 auto; padding: 1rem; }}
.card {{ background: #fff; border-top: 6px solid #c8102e; border-radius: 8px; padding: 1rem 1.25rem;
  box-shadow: 0 1px 4px rgba(0,0,0,.08); }}
h1 {{ color: #c8102e; font-size: 1.4rem; margin: .2rem 0; letter-spacing: .1em; }}
.place {{ color: #666; margin: 0 0 1rem; }}
dl {{ display: grid; grid-template-columns: 5.5em 1fr; gap: .6rem .5rem; margin: 0; }}
dt {{ color: #666; }} dd {{ margin: 0; font-size: 1.1rem; word-break: break-all; }}
.note {{ color: #888; font-size: .85rem; margin-top: 1.25rem; }}
.report {{ border-top: 1px solid #eee; margin-top: 1.25rem; padding-top: .5rem; }}
.report h2 {{ font-size: 1.1rem; color: #c8102e; }}
.report label {{ display: block; margin: .6rem 0; color: #666; }}
.report select, .report textarea {{ display: block; width: 100%; margin-top: .3rem;
  font: inherit; padding: .4rem; box-sizing: border-box; }}
.report button {{ background: #c8102e; color: #fff; border: 0; border-radius: 6px;
  padding: .6rem 1.5rem; font: inherit; }}
"""

_SHEET_CSS = f"""
@page {{ size: A4; margin: 10mm }}
body {{ margin: 0; color: #222; font-family: {FONTS}; }}
.intro {{ padding: 4mm 0; }}
.sheet {{ display: grid; grid-template-columns: repeat(2, 1fr); gap: 5mm; }}
.card {{ display: flex; gap: 3mm; justify-content: space-between; break-inside: avoid;
  page-break-inside: avoid; border: 0.6mm solid #c8102e; border-radius: 3mm; padding: 4mm;
  min-height: 55mm; box-sizing: border-box; }}
.card h2 {{ color: #c8102e; font-size: 15pt; margin: 0 0 1mm; letter-spacing: .15em; }}
.card .place {{ color: #555; font-size: 9pt; margin: 0 0 2mm; }}
.card .label {{ font-size: 10pt; font-weight: 600; margin: 0 0 2mm; }}
.card dl {{ display: grid; grid-template-columns: 4.8em 1fr; gap: 1mm 2mm; margin: 0;
  font-size: 10.5pt; }}
.card dt {{ color: #555; }} .card dd {{ margin: 0; word-break: break-all; }}
.qr {{ margin: 0; text-align: center; font-size: 8pt; color: #555; }}
.qr svg {{ display: block; }}
h2.uncovered {{ break-before: page; font-size: 13pt; margin: 4mm 0; }}
@media print {{ .intro {{ display: none }} h2.uncovered {{ margin-top: 0 }} }}
"""


def qr_svg(url: str) -> str:
    """The QR code of a card as inline SVG (error correction M survives a worn, dirty card)."""
    return str(segno.make(url, error="m", micro=False).svg_inline(scale=3, border=2))


def _page(title: str, css: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{escape(title)}</title>\n<style>{css}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _member_rows(member: ShownMember | None) -> str:
    if member is None:
        return f"<dt>联系党员</dt><dd>{NO_MEMBER}</dd>"
    services = "、".join(member.services) or "—"
    return (
        f"<dt>联系党员</dt><dd>{escape(member.name)}</dd>"
        f"<dt>联系电话</dt><dd>{escape(member.phone or '—')}</dd>"
        f"<dt>服务事项</dt><dd>{escape(services)}</dd>"
    )


def _place(card: ContactCard) -> str:
    return " · ".join(escape(p) for p in (card.village, card.grid) if p)


def public_card_page(
    card: ContactCard,
    *,
    report_to: str = "",
    kinds: Sequence[str] = (),
    matters: str = "",
    orders: str = "",
) -> str:
    """What a household (or anyone) sees after scanning the card: public fields only, and a
    form to tell the contact member of an event of the scheme's kinds (五必到), posted to
    ``report_to`` — a plain form: the page runs no script; ``matters``: the household's
    matters and the form to raise one (``card_matters_section``); ``orders``: its service orders
    and the form to order one (``card_orders_section``)."""
    form = ""
    if kinds and report_to:
        # Nothing chosen in advance: one tap on 报告 must not file a task the household did not
        # pick (the empty choice is refused by the browser, ``required``, and by the server).
        options = '<option value="" selected disabled>请选择事项</option>' + "".join(
            f'<option value="{escape(k)}">{escape(k)}</option>' for k in kinds
        )
        form = (
            f'<form class="report" method="post" action="{escape(report_to)}">\n'
            "<h2>家中有事，告诉联系党员</h2>\n"
            f'<label>事项 <select name="kind" required>{options}</select></label>\n'
            '<label>情况说明 <textarea name="note" maxlength="1000" rows="3" '
            'placeholder="如：老人住院，需要帮忙"></textarea></label>\n'
            '<button type="submit">报告</button>\n'
            '<p class="note">联系党员会按时上门；每张卡每天最多报告 3 次。</p>\n'
            "</form>\n"
        )
    body = (
        '<main><section class="card">\n'
        f'<h1>党群联心卡</h1>\n<p class="place">{_place(card)}</p>\n'
        f"<dl><dt>户主</dt><dd>{escape(card.head_name)}</dd>{_member_rows(card.member)}</dl>\n"
        '<p class="note">完整联系电话印在入户发放的联心卡上；'
        "也可直接联系本村（社区）党组织。</p>\n"
        f"{form}{orders}{matters}</section></main>"
    )
    return _page(f"党群联心卡 · {card.village}", _PUBLIC_CSS + _MATTERS_CSS + _ORDERS_CSS, body)


def not_found_page() -> str:
    """The same page for unknown, malformed and revoked tokens."""
    return message_page("未找到", "此联心卡不存在或已失效，请联系本村（社区）党组织。")


def message_page(title: str, message: str) -> str:
    """A short page saying why a page cannot be shown."""
    body = (
        f'<main><section class="card"><h1>{escape(title)}</h1>'
        f"<p>{escape(message)}</p></section></main>"
    )
    return _page(title, _PUBLIC_CSS, body)


def _label(card: ContactCard) -> str:
    """Which household the card is for (户编号 · 楼栋), so it reaches the right door."""
    return f'<p class="label">{escape(card.label)}</p>' if card.label else ""


def _printed_card(printed: PrintedCard, url: str) -> str:
    card = printed.card
    return (
        f'<article class="card" data-household-id="{printed.household_id}">\n'
        "<div><h2>党群联心卡</h2>"
        f'<p class="place">{_place(card)} · 户主 {escape(card.head_name)}</p>'
        f"{_label(card)}"
        f"<dl>{_member_rows(card.member)}</dl></div>\n"
        f'<figure class="qr">{qr_svg(url)}<figcaption>扫码查看</figcaption></figure>\n'
        "</article>"
    )


def card_sheet_page(
    area: str, cards: Sequence[tuple[PrintedCard, str]], *, printed_on: date
) -> str:
    """All cards of an area on A4, two columns; households still without a member last."""
    covered = [_printed_card(c, url) for c, url in cards if c.card.member]
    waiting = [_printed_card(c, url) for c, url in cards if not c.card.member]
    parts = [
        f'<header class="intro"><h1>{escape(area)} · 党群联心卡</h1>'
        f"<p>共 {len(cards)} 张，其中{NO_MEMBER} {len(waiting)} 户；"
        f"{printed_on.isoformat()} 生成。用浏览器打印为 A4。</p></header>",
        '<section class="sheet">\n' + "\n".join(covered) + "\n</section>",
    ]
    if waiting:
        parts.append(f'<h2 class="uncovered">{NO_MEMBER}（{len(waiting)} 户）</h2>')
        parts.append('<section class="sheet">\n' + "\n".join(waiting) + "\n</section>")
    return _page(f"{area} · 党群联心卡", _SHEET_CSS, "\n".join(parts))


# ── the household's matters (问题办理) on its card page ──────────────────────────────────────

_MATTERS_CSS = """
.report input[type=text] { display: block; width: 100%; margin-top: .3rem; font: inherit;
  padding: .4rem; box-sizing: border-box; }
.matters { border-top: 1px solid #eee; margin-top: 1.25rem; padding-top: .5rem; }
.matters h2 { font-size: 1.1rem; color: #c8102e; }
.matter { border: 1px solid #eee; border-radius: 6px; padding: .6rem .8rem; margin: .6rem 0; }
.matter h3 { font-size: 1rem; margin: 0 0 .3rem; }
.matter .status { color: #c8102e; font-size: .9rem; margin-left: .4rem; }
.matter ol { margin: .4rem 0; padding-left: 1.2rem; color: #555; font-size: .9rem; }
.matter .answer { background: #f6f1ee; padding: .4rem .6rem; border-radius: 4px; }
.matter fieldset { border: 0; padding: 0; margin: .4rem 0; }
.matter fieldset label { display: inline-block; margin-right: 1rem; color: #222; }
"""


def _at(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%m月%d日 %H:%M")


def _matter(m: CardIssueOut, rate_to: str) -> str:
    steps = "".join(
        f"<li>{_at(s.at)} {escape(s.action_label)} · {escape(s.status_label)}</li>" for s in m.steps
    )
    parts = [
        f'<article class="matter" data-issue-id="{m.id}" data-status="{escape(m.status)}">',
        f'<h3>{escape(m.title)}<span class="status">{escape(m.status_label)}</span></h3>',
        f'<p class="note">{escape(m.category_label or "未分类")} · {_at(m.raised_at)} 反映'
        f" · 现由{escape(m.handler_tier_label)}办理</p>",
    ]
    if m.text:
        parts.append(f"<p>{escape(m.text)}</p>")
    parts.append(f"<ol>{steps}</ol>")
    if m.answer:
        parts.append(f'<p class="answer">答复：{escape(m.answer)}</p>')
    if m.rating_label:
        parts.append(f"<p>您的评价：{escape(m.rating_label)}</p>")
    if m.can_rate:
        # Nothing chosen in advance (``required``): a tap on 提交 must be the household's own word.
        choices = "".join(
            f'<label><input type="radio" name="rating" value="{code}" required> {label}</label>'
            for code, label in RATING_LABELS.items()
        )
        parts.append(
            f'<form class="report" method="post" action="{escape(rate_to)}">'
            f"<fieldset><legend>对办理结果是否满意？</legend>{choices}</fieldset>"
            '<label>理由（可不填） <textarea name="reason" maxlength="500" rows="2">'
            "</textarea></label>"
            '<button type="submit">提交评价</button>'
            '<p class="note">选择“不满意”将重新办理。</p></form>'
        )
    parts.append("</article>")
    return "\n".join(parts)


def card_matters_section(
    matters: Sequence[CardIssueOut],
    categories: Sequence[tuple[str, str]],
    *,
    raise_to: str,
    rate_to: Callable[[int], str],
    per_day: int,
) -> str:
    """The household's matters on its card page: a form to raise one (what kind of matter it
    is must be chosen: nothing is selected for it), then each matter with its steps, the answer
    and, once answered, a form to rate it. Plain forms: the page runs no script."""
    options = '<option value="" selected disabled>请选择问题类别</option>' + "".join(
        f'<option value="{escape(code)}">{escape(label)}</option>' for code, label in categories
    )
    form = (
        f'<form class="report" method="post" action="{escape(raise_to)}">\n'
        "<h2>反映问题、提出建议</h2>\n"
        f'<label>问题类别 <select name="category" required>{options}</select></label>\n'
        '<label>问题摘要 <input type="text" name="title" maxlength="100" required '
        'placeholder="如：村口路灯不亮"></label>\n'
        '<label>详细情况 <textarea name="text" maxlength="2000" rows="4" required '
        'placeholder="说清楚地点、情况和您的诉求"></textarea></label>\n'
        '<button type="submit">提交</button>\n'
        f'<p class="note">问题会交给网格和村里办理，办理进度和答复在本页查看；'
        f"每户每天最多反映 {per_day} 件。</p>\n</form>\n"
    )
    listed = "".join(_matter(m, rate_to(m.id)) for m in matters)
    shown = (
        f'<section class="matters"><h2>本户反映的问题</h2>\n{listed}</section>\n' if listed else ""
    )
    return form + shown


# ── the household's service orders (预约服务: 群众点单) on its card page ─────────────────────────

_ORDERS_CSS = """
.orders { border-top: 1px solid #eee; margin-top: 1.25rem; padding-top: .5rem; }
.orders h2 { font-size: 1.1rem; color: #c8102e; }
.service-order { border: 1px solid #eee; border-radius: 6px; padding: .6rem .8rem;
  margin: .6rem 0; }
.service-order h3 { font-size: 1rem; margin: 0 0 .3rem; }
.service-order .status { color: #c8102e; font-size: .9rem; margin-left: .4rem; }
.service-order ol.progress { display: flex; flex-wrap: wrap; gap: .2rem .8rem; list-style: none;
  margin: .4rem 0; padding: 0; color: #555; font-size: .85rem; }
.service-order ol.progress li::before { content: "✓ "; color: #c8102e; }
.service-order .done-note { background: #f6f1ee; padding: .4rem .6rem; border-radius: 4px; }
.service-order fieldset { border: 0; padding: 0; margin: .4rem 0; }
.service-order fieldset label { display: inline-block; margin-right: 1rem; color: #222; }
"""


def _service_order(o: PublicOrderOut, rate_to: str) -> str:
    steps = "".join(f"<li>{_at(p.at)} {escape(p.action_label)}</li>" for p in o.progress)
    serving = f" · 服务党员：{escape(o.member_name)}" if o.member_name else ""
    due = f" · 须于 {_at(o.due)} 前" if o.due else ""
    parts = [
        f'<article class="service-order" data-order-id="{o.id}" data-status="{escape(o.status)}">',
        f'<h3>{escape(o.kind_label)}<span class="status">{escape(o.status_label)}</span></h3>',
        f'<p class="note">{_at(o.ordered_at)} 预约{serving}{due}</p>',
        f"<p>{escape(o.text)}</p>",
        f'<ol class="progress">{steps}</ol>',
    ]
    if o.note:
        parts.append(f'<p class="done-note">服务情况：{escape(o.note)}</p>')
    if o.rating_label:
        parts.append(f"<p>您的评价：{escape(o.rating_label)}</p>")
    if o.can_rate:
        # Nothing chosen in advance (``required``): a tap on 提交 must be the household's own word.
        choices = "".join(
            f'<label><input type="radio" name="rating" value="{code}" required> {label}</label>'
            for code, label in ORDER_RATING_LABELS.items()
        )
        parts.append(
            f'<form class="report order-rating" method="post" action="{escape(rate_to)}">'
            f"<fieldset><legend>对这次服务是否满意？</legend>{choices}</fieldset>"
            '<label>理由（不满意时必填） <textarea name="reason" maxlength="500" rows="2">'
            "</textarea></label>"
            '<button type="submit">提交评价</button></form>'
        )
    parts.append("</article>")
    return "\n".join(parts)


def card_orders_section(
    orders: Sequence[PublicOrderOut],
    kinds: Sequence[tuple[str, str]],
    *,
    order_to: str,
    rate_to: Callable[[int], str],
    per_day: int,
) -> str:
    """The household's service orders on its card page (群众点单): a form to order one (the kind
    of service must be chosen: nothing is selected for it), then each order with its progress
    and, once done, a form to rate it. Plain forms: the page runs no script."""
    # The empty first option is the placeholder (HTML's required-select pattern): no kind is
    # selected, and ``required`` makes the browser refuse to send it, as the server does. The
    # fields are named ``order_…``: the page's other forms have a ``kind`` and a ``text`` too.
    options = '<option value="">请选择服务类型</option>' + "".join(
        f'<option value="{escape(code)}">{escape(label)}</option>' for code, label in kinds
    )
    form = (
        f'<form class="report order" method="post" action="{escape(order_to)}">\n'
        "<h2>预约服务</h2>\n"
        f'<label>服务类型 <select name="order_kind" required>{options}</select></label>\n'
        '<label>需要什么服务 <textarea name="order_text" maxlength="500" rows="3" required '
        'placeholder="如：厨房水管漏水，请党员上门看看"></textarea></label>\n'
        '<button type="submit">预约</button>\n'
        f'<p class="note">网格会派党员上门服务，进度在本页查看；'
        f"每张卡每天最多预约 {per_day} 次。</p>\n</form>\n"
    )
    listed = "".join(_service_order(o, rate_to(o.id)) for o in orders)
    shown = (
        f'<section class="orders"><h2>本户预约的服务</h2>\n{listed}</section>\n' if listed else ""
    )
    return form + shown


def message_page_back(title: str, message: str, back_to: str) -> str:
    """A short page with a link back to the card."""
    body = (
        f'<main><section class="card"><h1>{escape(title)}</h1>'
        f"<p>{escape(message)}</p>"
        f'<p><a href="{escape(back_to)}">返回联心卡</a></p></section></main>'
    )
    return _page(title, _PUBLIC_CSS, body)
