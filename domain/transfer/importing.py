"""Validating register files row by row (批量导入校验).

The whole file is checked before anything is written; every bad row is reported with its row
number (as the user sees it in Excel, header = row 1), its column header and a message. Rows are
matched to existing records by external id, so re-importing the same file updates, never
duplicates. Records come out as plain tuples: the writers stream hundreds of thousands of them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final, NamedTuple

from domain.kernel.access import Scope
from domain.kernel.errors import Invalid
from domain.kernel.org import ALLOWED_PARENT, HOUSEHOLD_LEVELS, LEVEL_LABELS, OrgLevel, is_within
from domain.registers.household import (
    CategoryCatalog,
    PersonalFields,
    unseen_changes,
    with_hidden_categories,
)
from domain.registers.masking import mask_address, mask_phone
from domain.registers.member import (
    EXEMPTION_LABELS,
    MAX_AGE_YEARS,
    MEMBER_ROLE_LABELS,
    ExemptionReason,
    MemberRole,
)

MAX_REPORTED_ERRORS: Final = 1000
# A mainland mobile (11 digits, 1[3-9]…, +86 allowed before it) or a landline: an area code
# of 3–4 digits starting with 0, an optional dash, 7–8 digits, an optional extension (-802).
_PHONE = re.compile(r"^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")
PHONE_HINT: Final = "手机号为 11 位、以 13–19 开头；固定电话为区号加 7–8 位号码，如 0571-87654321"
# The template's example row starts with this mark: it is skipped on import wherever it stands.
EXAMPLE_MARK: Final = "【示例】"
_SPLIT = re.compile(r"[、,，;；|\s]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class ImportKind(StrEnum):
    ORG_UNITS = "org_units"
    MEMBERS = "members"
    HOUSEHOLDS = "households"


@dataclass(frozen=True)
class Column:
    field: str
    headers: tuple[str, ...]  # the first is the canonical Chinese header used on export
    required: bool = False

    @property
    def label(self) -> str:
        return self.headers[0]


COLUMNS: Final[dict[ImportKind, tuple[Column, ...]]] = {
    ImportKind.ORG_UNITS: (
        Column("code", ("组织编码", "编码", "code"), required=True),
        Column("name", ("组织名称", "名称", "name"), required=True),
        Column("level", ("层级", "级别", "level"), required=True),
        Column("parent", ("上级编码", "上级组织编码", "parent_code")),
        Column("external_id", ("外部编号", "external_id")),
    ),
    ImportKind.MEMBERS: (
        Column("external_id", ("党员编号", "外部编号", "external_id"), required=True),
        Column("name", ("姓名", "name"), required=True),
        Column("org", ("所属组织", "组织编码", "所属支部", "org_code"), required=True),
        Column("role", ("角色", "职务", "role")),
        Column("gender", ("性别", "gender")),
        Column("birth_date", ("出生日期", "birth_date")),
        Column("phone", ("手机号", "联系电话", "电话", "phone")),
        Column("lat", ("纬度", "lat")),
        Column("lng", ("经度", "lng")),
        Column("skills", ("特长", "技能", "skills")),
        Column("in_service", ("在职党员", "in_service")),
        Column("reported", ("报到社区", "reported_community_code")),
        Column("exempt_reason", ("免除联户原因", "exempt_reason")),
        Column("exempt_by", ("免除决定人", "exempt_decided_by")),
        Column("exempt_on", ("免除日期", "exempt_decided_on")),
        Column("exempt_note", ("免除备注", "exempt_note")),
    ),
    ImportKind.HOUSEHOLDS: (
        Column("external_id", ("户编号", "外部编号", "external_id"), required=True),
        Column("head_name", ("户主姓名", "户主", "姓名", "head_name"), required=True),
        Column("grid", ("所属网格", "网格编码", "网格", "grid_code"), required=True),
        Column("building", ("楼栋", "building")),
        Column("address", ("地址", "家庭住址", "address")),
        Column("size", ("家庭人口", "人口", "size")),
        Column("phone", ("手机号", "联系电话", "电话", "phone")),
        Column("lat", ("纬度", "lat")),
        Column("lng", ("经度", "lng")),
        Column("categories", ("户类", "类别", "categories")),
    ),
}


class OrgRef(NamedTuple):
    id: int
    level: OrgLevel
    path: str


class Existing(NamedTuple):
    id: int
    org_path: str
    # A caller without personal:read exports these masked (*******5678, 李家村****, no location,
    # no 低保): loaded, as stored, for such callers only, so that their export sent back keeps
    # them and any other value is refused (``_kept_unseen``).
    unseen: PersonalFields | None = None


class OrgUnitRecord(NamedTuple):
    """An org unit checked for writing: ``id`` is the stored unit it updates, None when new."""

    id: int | None
    code: str
    name: str
    level: str
    parent_code: str | None
    external_id: str | None


class MemberRecord(NamedTuple):
    """A member checked for writing: ``id`` is the stored member it updates, None when new."""

    id: int | None
    external_id: str | None
    name: str
    org_id: int
    role: str
    gender: str | None
    birth: date | None
    phone: str | None
    lat: float | None
    lng: float | None
    skills: str | None
    in_service: bool
    reported_org_id: int | None
    exempt_reason: str | None
    exempt_by: str | None
    exempt_on: date | None
    exempt_note: str | None


class HouseholdRecord(NamedTuple):
    """A household checked for writing: ``id`` is the stored household it updates, None when
    new. Households come by the hundred thousand: a named tuple costs no more than a tuple."""

    id: int | None
    external_id: str | None
    head: str
    org_id: int
    building: str | None
    address: str | None
    size: int
    phone: str | None
    lat: float | None
    lng: float | None
    categories: tuple[str, ...]


ImportRecord = OrgUnitRecord | MemberRecord | HouseholdRecord


@dataclass
class ImportContext:
    """What validation needs to know about the database, loaded once per import."""

    scope: Scope
    orgs_by_code: Mapping[str, OrgRef]
    existing: Mapping[str, Existing]  # external id (or org code) → record already stored
    catalog: CategoryCatalog
    today: date


@dataclass
class Report:
    kind: ImportKind
    rows: int = 0
    records: list[ImportRecord] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # Where each field is in the user's file: errors name the column as the file heads it
    # ("手机" rather than the canonical "联系电话") and the cell as Excel shows it ("C5").
    file_columns: dict[str, tuple[int, str]] = field(default_factory=dict)

    def error(self, row: int, column: Column | None, message: str, code: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            at = self.file_columns.get(column.field) if column else None
            self.errors.append(
                {
                    "row": row,
                    "column": at[1] if at else column.label if column else None,
                    "cell": f"{excel_column(at[0])}{row}" if at else None,
                    "field": column.field if column else None,
                    "message": message,
                    "code": code,
                }
            )

    def raise_if_bad(self) -> None:
        if self.error_count:
            shown = (
                ""
                if self.error_count <= len(self.errors)
                else f"（仅列出前 {len(self.errors)} 条）"
            )
            raise Invalid(
                "import.rows_invalid",
                f"文件中有 {self.error_count} 处错误{shown}，未导入任何数据",
                field="file",
                errors=self.errors,
            )


def excel_column(index: int) -> str:
    """The letters Excel heads a column with: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def map_header(
    kind: ImportKind, header: Sequence[str]
) -> tuple[dict[str, int], list[str], dict[str, str]]:
    """(column indexes by field, ignored headers, each field's header as the file writes it)
    from the header row; missing required columns are refused."""
    by_name = {h: c for c in COLUMNS[kind] for h in c.headers}
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff").strip("*")
        col = by_name.get(name)
        if col is None:
            if name:
                ignored.append(name)
            continue
        if col.field in index:
            raise Invalid(
                "import.duplicate_column",
                f"列“{col.label}”出现了两次",
                field="file",
                errors=[{"row": 1, "column": name, "message": "重复的列"}],
            )
        index[col.field] = i
        names[col.field] = name
    missing = [c for c in COLUMNS[kind] if c.required and c.field not in index]
    if missing:
        raise Invalid(
            "import.missing_columns",
            "缺少必需的列：" + "、".join(c.label for c in missing),
            field="file",
            errors=[
                {
                    "row": 1,
                    "column": c.label,
                    "field": c.field,
                    "message": "缺少此列",
                    "code": "import.missing_column",
                }
                for c in missing
            ],
        )
    return index, ignored, names


def check(
    kind: ImportKind, rows: Iterable[list[str]], ctx: ImportContext
) -> tuple[Report, Iterator[ImportRecord]]:
    """Start checking a file: the header is checked at once, the rows as the returned iterator
    is consumed. The iterator yields records only while no error has been seen and keeps
    checking after one, so the report ends up listing every bad row. A writer can stream the
    records into the database as they come and roll back when the report is bad."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise Invalid("import.empty_file", "文件是空的", field="file")
    index, ignored, names = map_header(kind, header)
    report = Report(
        kind,
        ignored_columns=ignored,
        file_columns={f: (i, names[f]) for f, i in index.items()},
    )
    return report, _records(kind, _cells(iterator, index, kind), ctx, report)


def _records(
    kind: ImportKind,
    cells: Iterator[tuple[int, list[str]]],
    ctx: ImportContext,
    report: Report,
) -> Iterator[ImportRecord]:
    yield from _VALIDATORS[kind](cells, ctx, report)
    if report.rows == 0 and not report.error_count:
        raise Invalid("import.no_rows", "文件只有表头，没有数据行", field="file")


def validate(kind: ImportKind, rows: Iterable[list[str]], ctx: ImportContext) -> Report:
    """Check a whole file at once; the report holds the records or every error found."""
    report, records = check(kind, rows, ctx)
    report.records = list(records)
    if report.error_count:
        report.records = []
    return report


def _cells(
    rows: Iterator[list[str]], index: dict[str, int], kind: ImportKind
) -> Iterator[tuple[int, list[str]]]:
    """(row number as Excel shows it, the cells in ``COLUMNS[kind]`` order, stripped; absent
    columns and short rows read as empty). Blank rows, which Excel leaves at the end, are
    skipped, and so is the template's example row (its first cell marked 【示例】)."""
    width = max(index.values()) + 1
    # An absent column reads position ``width``: always the empty padding, because a row is cut
    # to the known columns first. Cells past them (an unknown column such as 备注, or a stray
    # comma) are ignored, never read in place of a column the file does not have.
    pick = operator.itemgetter(*(index.get(c.field, width) for c in COLUMNS[kind]))
    padding = [""] * (width + 1)
    strip = str.strip
    for number, row in enumerate(rows, start=2):
        if not any(row) or _is_example(row):
            continue
        cells = row + padding[len(row) :] if len(row) <= width else [*row[:width], ""]
        yield number, list(map(strip, pick(cells)))


def _is_example(row: list[str]) -> bool:
    first = row[0] or next((c for c in row if c), "")
    return first.lstrip().startswith(EXAMPLE_MARK)


def _as_dicts(
    kind: ImportKind, rows: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    names = [c.field for c in COLUMNS[kind]]
    for number, values in rows:
        yield number, dict(zip(names, values, strict=True))


class _Checks:
    """Field parsers shared by the three kinds; each reports and returns None on a bad value."""

    def __init__(self, kind: ImportKind, report: Report) -> None:
        self.kind, self.report = kind, report
        self.cols = {c.field: c for c in COLUMNS[kind]}

    def bad(self, row: int, name: str, message: str, code: str) -> None:
        self.report.error(row, self.cols[name], message, code)

    def required(self, row: int, cells: dict[str, str], name: str, max_len: int) -> str | None:
        value = cells.get(name, "")
        if not value:
            self.bad(row, name, "不能为空", "import.required")
            return None
        if len(value) > max_len:
            self.bad(row, name, f"不能超过 {max_len} 个字", "import.too_long")
            return None
        return value

    def optional(self, row: int, cells: dict[str, str], name: str, max_len: int) -> str | None:
        value = cells.get(name) or None
        if value is not None and len(value) > max_len:
            self.bad(row, name, f"不能超过 {max_len} 个字", "import.too_long")
            return None
        return value

    def phone(self, row: int, cells: dict[str, str]) -> str | None:
        value = cells.get("phone") or None
        if value is not None and not _PHONE.match(value):
            self.bad(row, "phone", f"手机号格式不正确：{value}（{PHONE_HINT}）", "import.bad_phone")
        return value

    def number(
        self, row: int, cells: dict[str, str], name: str, low: float, high: float
    ) -> float | None:
        value = cells.get(name)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            self.bad(row, name, f"应为数字：{value}", "import.not_a_number")
            return None
        if not low <= number <= high:
            self.bad(row, name, f"应在 {low} 到 {high} 之间", "import.out_of_range")
            return None
        return number

    def location(self, row: int, cells: dict[str, str]) -> tuple[float | None, float | None]:
        lat_text, lng_text = cells.get("lat", ""), cells.get("lng", "")
        if bool(lat_text) != bool(lng_text):
            missing = "lng" if lat_text else "lat"
            self.bad(row, missing, "经纬度须同时填写", "import.partial_location")
            return None, None
        lat = self.number(row, cells, "lat", -90, 90)
        lng = self.number(row, cells, "lng", -180, 180)
        return (lat, lng) if lat is not None and lng is not None else (None, None)

    def date(self, row: int, cells: dict[str, str], name: str, today: date) -> date | None:
        value = cells.get(name)
        if not value:
            return None
        match = _DATE.match(value)
        try:
            if match is None:
                raise ValueError
            parsed = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.bad(row, name, f"日期格式应为 2024-05-01：{value}", "import.bad_date")
            return None
        # the API's bounds for a person's dates (domain.member.check_birth_date)
        if parsed > today:
            self.bad(row, name, f"日期不能晚于今天：{value}", "import.bad_date")
            return None
        if today.year - parsed.year > MAX_AGE_YEARS:
            self.bad(
                row, name, f"日期早于 {MAX_AGE_YEARS} 年前，请核对：{value}", "import.bad_date"
            )
            return None
        return parsed

    def org(
        self,
        row: int,
        cells: dict[str, str],
        name: str,
        ctx: ImportContext,
        levels: frozenset[OrgLevel] | None = None,
    ) -> OrgRef | None:
        code = cells.get(name, "")
        if not code:
            self.bad(row, name, "不能为空", "import.required")
            return None
        ref = ctx.orgs_by_code.get(code)
        # Outside the caller's subtree looks exactly like unknown: no existence leak.
        if ref is None or not ctx.scope.covers(ref.path):
            self.bad(row, name, f"组织编码 {code} 不存在或不在管辖范围内", "import.unknown_org")
            return None
        if levels is not None and ref.level not in levels:
            allowed = "、".join(LEVEL_LABELS[lv] for lv in levels)
            self.bad(
                row,
                name,
                f"{code} 是{LEVEL_LABELS[ref.level]}，应为{allowed}",
                "import.wrong_org_level",
            )
            return None
        return ref

    def identity(
        self, row: int, cells: dict[str, str], name: str, ctx: ImportContext, seen: dict[str, int]
    ) -> tuple[str | None, int | None]:
        """The external id, refusing duplicates within the file and records outside the scope;
        returns it with the id of the stored record it updates (None when new)."""
        value = self.required(row, cells, name, 64)
        if value is None:
            return None, None
        first = seen.setdefault(value, row)
        if first != row:
            self.bad(row, name, f"编号 {value} 与第 {first} 行重复", "import.duplicate_external_id")
            return None, None
        existing = ctx.existing.get(value)
        if existing is not None and not ctx.scope.covers(existing.org_path):
            self.bad(
                row, name, f"编号 {value} 已被管辖范围外的记录使用", "import.external_id_taken"
            )
            return None, None
        return value, existing.id if existing else None


def _validate_households(
    rows: Iterator[tuple[int, list[str]]], ctx: ImportContext, report: Report
) -> Iterator[HouseholdRecord]:
    """Households come by the hundred thousand, so their checks are written out inline over
    positional cells; members and org units go through the shared ``_Checks``."""
    check = _Checks(ImportKind.HOUSEHOLDS, report)
    bad = check.bad
    tokens = _category_tokens(ctx.catalog)
    scope = ctx.scope
    grids = {
        code: ref.id
        for code, ref in ctx.orgs_by_code.items()
        if ref.level in HOUSEHOLD_LEVELS and scope.covers(ref.path)
    }
    existing = ctx.existing
    phone_ok = _PHONE.match
    seen: dict[str, int] = {}
    for number, cells in rows:
        report.rows += 1
        ext, head, grid_code, building, address, size_text, phone, lat_t, lng_t, cats_t = cells
        existing_id = None
        if not ext:
            bad(number, "external_id", "不能为空", "import.required")
        elif len(ext) > 64:
            bad(number, "external_id", "不能超过 64 个字", "import.too_long")
        elif (first := seen.setdefault(ext, number)) != number:
            bad(
                number,
                "external_id",
                f"编号 {ext} 与第 {first} 行重复",
                "import.duplicate_external_id",
            )
        elif ext in existing:
            stored = existing[ext]
            if scope.covers(stored.org_path):
                existing_id = stored.id
            else:
                bad(
                    number,
                    "external_id",
                    f"编号 {ext} 已被管辖范围外的记录使用",
                    "import.external_id_taken",
                )
        if not head:
            bad(number, "head_name", "不能为空", "import.required")
        elif len(head) > 50:
            bad(number, "head_name", "不能超过 50 个字", "import.too_long")
        grid_id = grids.get(grid_code)
        if grid_id is None:
            check.org(number, {"grid": grid_code}, "grid", ctx, HOUSEHOLD_LEVELS)  # says why
        if not size_text:
            size = 1
        elif not (size_text.isdigit() and 0 < (size := int(size_text)) < 100):
            bad(number, "size", f"家庭人口应为 1 到 99 的整数：{size_text}", "import.bad_size")
        if len(building) > 50:
            bad(number, "building", "不能超过 50 个字", "import.too_long")
        if len(address) > 200:
            bad(number, "address", "不能超过 200 个字", "import.too_long")
        unseen = existing[ext].unseen if existing_id is not None else None
        shown_phone = unseen is not None and phone == mask_phone(unseen.phone)
        if phone and not phone_ok(phone) and not shown_phone:
            bad(number, "phone", f"手机号格式不正确：{phone}（{PHONE_HINT}）", "import.bad_phone")
        lat = lng = None
        if lat_t or lng_t:
            try:
                lat, lng = float(lat_t), float(lng_t)
                if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                    raise ValueError
            except ValueError:  # let the shared check say exactly what is wrong
                lat, lng = check.location(number, {"lat": lat_t, "lng": lng_t})
        categories: tuple[str, ...] = ()
        if cats_t:
            categories = _categories(check, number, cats_t, tokens)
        if unseen is not None:
            phone, address, lat, lng, categories = _kept_unseen(
                check, number, unseen, phone, address, lat, lng, categories
            )
        if report.error_count:
            continue
        assert grid_id is not None  # a row without its grid is an error
        yield HouseholdRecord(
            existing_id,
            ext,
            head,
            grid_id,
            building or None,
            address or None,
            size,
            phone or None,
            lat,
            lng,
            categories,
        )


def _kept_unseen(
    check: _Checks,
    number: int,
    stored: PersonalFields,
    phone: str,
    address: str,
    lat: float | None,
    lng: float | None,
    categories: tuple[str, ...],
) -> tuple[str, str, float | None, float | None, tuple[str, ...]]:
    """A row by a caller who sees this record masked: what they were shown (the masked phone and
    address, no location) stands for the stored value; any other change of what they cannot see
    is refused at its cell (``unseen_changes``); hidden categories are kept."""
    if phone == (mask_phone(stored.phone) or ""):
        phone = stored.phone or ""
    if address == (mask_address(stored.address) or ""):
        address = stored.address or ""
    if lat is None and lng is None:
        lat, lng = stored.lat, stored.lng
    sent = PersonalFields(phone or None, address or None, lat, lng, frozenset(categories))
    for field_name, why in unseen_changes(stored, sent):
        tail = "" if field_name == "categories" else "，不能通过导入修改"
        check.bad(number, field_name, why + tail, "import.personal_field")
    hidden = sorted(with_hidden_categories(categories, stored.categories) - set(categories))
    return phone, address, lat, lng, (*categories, *hidden)


def _categories(check: _Checks, number: int, text: str, tokens: dict[str, str]) -> tuple[str, ...]:
    codes: list[str] = []
    for token in _SPLIT.split(text):
        if token:
            code = tokens.get(token)
            if code is None:
                check.bad(number, "categories", f"未知的户类：{token}", "import.unknown_category")
            elif code not in codes:
                codes.append(code)
    return tuple(codes)


def _category_tokens(catalog: CategoryCatalog) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for code, label in catalog.labels.items():
        tokens[code] = code
        tokens[label] = code
        for part in label.split("/"):
            tokens.setdefault(part, code)
        tokens.setdefault(label.removesuffix("户"), code)
    return tokens


_ROLE_TOKENS: Final = {
    **{r.value: r for r in MemberRole},
    **{label: r for r, label in MEMBER_ROLE_LABELS.items()},
    "普通党员": MemberRole.MEMBER,
    "两委干部": MemberRole.VILLAGE_CADRE,
    "村两委": MemberRole.VILLAGE_CADRE,
    "书记": MemberRole.BRANCH_SECRETARY,
}
_EXEMPT_TOKENS: Final = {
    **{r.value: r for r in ExemptionReason},
    **{label: r for r, label in EXEMPTION_LABELS.items()},
    "体弱": ExemptionReason.INFIRM,
    "外出": ExemptionReason.AWAY,
    "流动": ExemptionReason.AWAY,
    "年老体弱": ExemptionReason.ELDERLY,
}
_YES: Final = {
    "是": True,
    "否": False,
    "": False,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
    "Y": True,
    "N": False,
}


def _validate_members(
    rows: Iterator[tuple[int, list[str]]], ctx: ImportContext, report: Report
) -> Iterator[MemberRecord]:
    check = _Checks(ImportKind.MEMBERS, report)
    seen: dict[str, int] = {}
    for row, cells in _as_dicts(ImportKind.MEMBERS, rows):
        report.rows += 1
        external_id, existing_id = check.identity(row, cells, "external_id", ctx, seen)
        name = check.required(row, cells, "name", 50)
        org = check.org(row, cells, "org", ctx)
        role = _ROLE_TOKENS.get(cells.get("role") or "member")
        if role is None:
            check.bad(row, "role", f"未知的角色：{cells.get('role')}", "import.unknown_role")
        gender = cells.get("gender") or None
        if gender not in (None, "男", "女"):
            check.bad(row, "gender", f"性别应为 男 或 女：{gender}", "import.bad_gender")
        birth = check.date(row, cells, "birth_date", ctx.today)
        unseen = ctx.existing[external_id].unseen if existing_id and external_id else None
        if unseen is not None and cells.get("phone") == mask_phone(unseen.phone):
            cells["phone"] = unseen.phone or ""  # as shown to them: the stored one stays
        phone = check.phone(row, cells)
        lat, lng = check.location(row, cells)
        if unseen is not None:
            kept_phone, _, lat, lng, _ = _kept_unseen(
                check, row, unseen, phone or "", "", lat, lng, ()
            )
            phone = kept_phone or None
        skills = "、".join(s for s in _SPLIT.split(cells.get("skills", "")) if s)
        in_service = _YES.get(cells.get("in_service", ""))
        if in_service is None:
            check.bad(row, "in_service", "应为 是 或 否", "import.bad_boolean")
        reported = None
        if cells.get("reported"):
            ref = check.org(
                row, cells, "reported", ctx, frozenset({OrgLevel.COMMUNITY, OrgLevel.VILLAGE})
            )
            reported = ref.id if ref else None
        exemption = _exemption(check, row, cells, ctx)
        if report.error_count:
            continue
        assert org is not None and role is not None and name is not None
        yield MemberRecord(
            existing_id,
            external_id,
            name,
            org.id,
            role.value,
            gender,
            birth,
            phone,
            lat,
            lng,
            skills,
            bool(in_service),
            reported,
            *exemption,
        )


def _exemption(
    check: _Checks, row: int, cells: dict[str, str], ctx: ImportContext
) -> tuple[str | None, str | None, date | None, str | None]:
    reason_text = cells.get("exempt_reason", "")
    if not reason_text:
        return None, None, None, None
    reason = _EXEMPT_TOKENS.get(reason_text)
    if reason is None:
        check.bad(
            row,
            "exempt_reason",
            f"免除原因应为 年老、体弱多病 或 外出：{reason_text}",
            "import.unknown_exemption",
        )
    decided_by = cells.get("exempt_by", "")
    if not decided_by:
        check.bad(row, "exempt_by", "免除联户须注明决定人", "import.required")
    decided_on = check.date(row, cells, "exempt_on", ctx.today)
    if decided_on is None and not cells.get("exempt_on"):
        check.bad(row, "exempt_on", "免除联户须注明决定日期", "import.required")
    note = check.optional(row, cells, "exempt_note", 200)
    return (reason.value if reason else None), decided_by or None, decided_on, note


_LEVEL_TOKENS: Final = {
    **{lv.value: lv for lv in OrgLevel},
    **{label: lv for lv, label in LEVEL_LABELS.items()},
    "县": OrgLevel.COUNTY,
    "区": OrgLevel.COUNTY,
    "市": OrgLevel.COUNTY,
    "乡镇": OrgLevel.TOWNSHIP,
    "乡": OrgLevel.TOWNSHIP,
    "镇": OrgLevel.TOWNSHIP,
    "街道": OrgLevel.TOWNSHIP,
    "村民小组": OrgLevel.GRID,
    "楼院": OrgLevel.GRID,
}


def _validate_org_units(
    rows: Iterator[tuple[int, list[str]]], ctx: ImportContext, report: Report
) -> Iterator[OrgUnitRecord]:
    check = _Checks(ImportKind.ORG_UNITS, report)
    parsed: dict[str, tuple[int, str, OrgLevel | None, str | None, str | None]] = {}
    for row, cells in _as_dicts(ImportKind.ORG_UNITS, rows):
        report.rows += 1
        code = check.required(row, cells, "code", 64)
        name = check.required(row, cells, "name", 100)
        level = _LEVEL_TOKENS.get(cells.get("level", ""))
        if level is None:
            check.bad(row, "level", f"未知的层级：{cells.get('level')}", "import.unknown_level")
        if code is None or name is None:
            continue
        if code in parsed:
            check.bad(
                row,
                "code",
                f"编码 {code} 与第 {parsed[code][0]} 行重复",
                "import.duplicate_external_id",
            )
            continue
        existing = ctx.orgs_by_code.get(code)
        if existing is not None and not ctx.scope.covers(existing.path):
            check.bad(
                row, "code", f"编码 {code} 已被管辖范围外的组织使用", "import.external_id_taken"
            )
            continue
        parsed[code] = (
            row,
            name,
            level,
            cells.get("parent") or None,
            cells.get("external_id") or None,
        )
    yield from _check_tree(check, parsed, ctx, report)


def _check_tree(
    check: _Checks,
    parsed: dict[str, tuple[int, str, OrgLevel | None, str | None, str | None]],
    ctx: ImportContext,
    report: Report,
) -> Iterator[OrgUnitRecord]:
    """Parents exist (in the file or the caller's scope), levels fit, and no cycles."""

    def level_of(code: str) -> OrgLevel | None:
        if code in parsed:
            return parsed[code][2]
        ref = ctx.orgs_by_code.get(code)
        return ref.level if ref else None

    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(code: str) -> bool:
        if state.get(code) == 2 or code not in parsed:
            return True
        if state.get(code) == 1:
            return False
        state[code] = 1
        parent = parsed[code][3]
        ok = parent is None or visit(parent)
        state[code] = 2
        order.append(code)
        return ok

    for code, (row, _name, level, parent, _ext) in parsed.items():
        if parent is None:
            if ctx.scope.org_path != "/":
                check.bad(row, "parent", "上级编码不能为空", "import.required")
            elif level is not None and None not in ALLOWED_PARENT[level]:
                check.bad(row, "parent", f"{LEVEL_LABELS[level]}须有上级组织", "import.required")
            continue
        if parent == code:
            check.bad(row, "parent", "上级不能是自己", "import.cyclic_tree")
            continue
        parent_ref = ctx.orgs_by_code.get(parent)
        if parent not in parsed and (parent_ref is None or not ctx.scope.covers(parent_ref.path)):
            check.bad(
                row, "parent", f"上级编码 {parent} 不存在或不在管辖范围内", "import.unknown_org"
            )
            continue
        parent_level = level_of(parent)
        if (
            level is not None
            and parent_level is not None
            and parent_level not in ALLOWED_PARENT[level]
        ):
            check.bad(
                row,
                "parent",
                f"{LEVEL_LABELS[level]}不能设在{LEVEL_LABELS[parent_level]}之下",
                "import.wrong_org_level",
            )
    for code in parsed:
        if not visit(code):
            check.bad(
                parsed[code][0], "parent", f"编码 {code} 的上级关系成环", "import.cyclic_tree"
            )
    _check_moves_stay_acyclic(check, parsed, ctx)
    if report.error_count:
        return
    for code in order:  # parents before children
        row, name, level, parent, external_id = parsed[code]
        existing = ctx.orgs_by_code.get(code)
        assert level is not None  # a bad level is an error, and no record is yielded then
        yield OrgUnitRecord(
            existing.id if existing else None,
            code,
            name,
            level.value,
            parent,
            external_id,
        )


def _check_moves_stay_acyclic(
    check: _Checks,
    parsed: dict[str, tuple[int, str, OrgLevel | None, str | None, str | None]],
    ctx: ImportContext,
) -> None:
    """A stored node re-parented under one of its own stored descendants is a cycle."""
    for code, (row, _name, _level, parent, _ext) in parsed.items():
        mine = ctx.orgs_by_code.get(code)
        target = ctx.orgs_by_code.get(parent) if parent else None
        if mine is not None and target is not None and is_within(target.path, mine.path):
            check.bad(row, "parent", f"不能把 {code} 移到它自己的下级之下", "import.cyclic_tree")


Validator = Callable[
    [Iterator[tuple[int, list[str]]], ImportContext, Report], Iterator[ImportRecord]
]
_VALIDATORS: Final[dict[ImportKind, Validator]] = {
    ImportKind.ORG_UNITS: _validate_org_units,
    ImportKind.MEMBERS: _validate_members,
    ImportKind.HOUSEHOLDS: _validate_households,
}


# The import template (导入模板): for each column, an example value (the template's example row)
# and what the column takes (its 说明 sheet). The example row's first cell carries EXAMPLE_MARK,
# so an import skips it wherever it is left.
TEMPLATE_HELP: Final[dict[ImportKind, dict[str, tuple[str, str]]]] = {
    ImportKind.ORG_UNITS: {
        "code": ("C01-T01-V01", "必填。组织的唯一编码，党员和农户按它归属；再次导入同一编码为更新"),
        "name": ("和明村", "必填。组织名称，最多 100 字"),
        "level": ("村", "必填。县/区、乡镇/街道、村、社区、网格 或 党小组"),
        "parent": ("C01-T01", "上级组织的编码（县/区可空）；上级须先于下级出现或已存在"),
        "external_id": ("", "可空。其他系统中的编号，便于对接"),
    },
    ImportKind.MEMBERS: {
        "external_id": ("M0001", "必填。党员编号，唯一；再次导入同一编号为更新"),
        "name": ("王建国", "必填。姓名，最多 50 字"),
        "org": ("C01-T01-V01", "必填。所属组织（村、社区、网格或党小组）的编码"),
        "role": (
            "党员",
            "可空（默认 党员）。党员、党小组长、支部书记、村两委干部、乡镇干部、县级干部",
        ),
        "gender": ("男", "可空。男 或 女"),
        "birth_date": ("1965-03-08", "可空。日期，如 1965-03-08 或 1965/3/8"),
        "phone": ("13800001111", f"可空。{PHONE_HINT}"),
        "lat": ("30.701234", "可空。纬度，-90 到 90；与经度同填或同空"),
        "lng": ("120.701234", "可空。经度，-180 到 180；与纬度同填或同空"),
        "skills": ("种植、电工", "可空。特长，用 、 分隔"),
        "in_service": ("否", "可空（默认 否）。在职党员填 是"),
        "reported": ("", "在职党员报到的社区或村的编码"),
        "exempt_reason": ("", "可空。免除联户的原因：年老、体弱多病 或 外出/流动"),
        "exempt_by": ("", "免除联户时必填：决定人"),
        "exempt_on": ("", "免除联户时必填：决定日期"),
        "exempt_note": ("", "可空。免除备注，最多 200 字"),
    },
    ImportKind.HOUSEHOLDS: {
        "external_id": ("H0001", "必填。户编号，唯一；再次导入同一编号为更新"),
        "head_name": ("李大山", "必填。户主姓名，最多 50 字"),
        "grid": ("C01-T01-V01-G1", "必填。所属网格的编码（农户须归属网格）"),
        "building": ("", "可空。楼栋（社区），最多 50 字"),
        "address": ("和明村1组18号", "可空。住址，最多 200 字"),
        "size": ("3", "可空（默认 1）。家庭人口，1 到 99 的整数"),
        "phone": ("13800001111", f"可空。{PHONE_HINT}"),
        "lat": ("30.701234", "可空。纬度，-90 到 90；与经度同填或同空"),
        "lng": ("120.701234", "可空。经度，-180 到 180；与纬度同填或同空"),
        "categories": ("低保、空巢老人", "可空。户类，用 、 分隔，如 低保、五保、空巢老人"),
    },
}


def template_rows(kind: ImportKind) -> tuple[list[str], list[str], list[list[str]]]:
    """(header, the marked example row, the 说明 sheet's rows: column, required, what it takes)."""
    columns = COLUMNS[kind]
    helps = TEMPLATE_HELP[kind]
    header = [c.label for c in columns]
    example = [helps[c.field][0] for c in columns]
    example[0] = f"{EXAMPLE_MARK}{example[0]}"
    notes = [
        ["列名", "是否必填", "填写说明"],
        *([c.label, "是" if c.required else "否", helps[c.field][1]] for c in columns),
        [],
        [
            "示例行",
            "",
            f"第 2 行以“{EXAMPLE_MARK}”开头，是填写示例，导入时自动跳过；可删除，也可保留",
        ],
        [
            "导入规则",
            "",
            "整个文件先校验，有任何错误则一行也不写入；先预览新增、更新的数目，确认后写入",
        ],
        ["公式", "", "请填写数值或文字；含公式的单元格须在 Excel 中保存后（有计算结果）再导入"],
    ]
    return header, example, notes
