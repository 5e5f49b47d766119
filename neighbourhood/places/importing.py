"""Parsing a household CSV into checked rows, with no database: every problem is reported per row."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from neighbourhood.places.models import AreaBasis

MAX_ROWS = 5000
MAX_AREA = Decimal("10000")
CENT = Decimal("0.01")

# Column names accepted in either language; the first of each is what the template file uses.
HEADERS = {
    "building": ("楼栋", "building"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room"),
    "area": ("面积", "area"),
    "area_basis": ("面积依据", "area_basis"),
}
AREA_BASIS_WORDS = {
    "": AreaBasis.REGISTERED, "登记": AreaBasis.REGISTERED, "registered": AreaBasis.REGISTERED,
    "测绘": AreaBasis.SURVEYED, "surveyed": AreaBasis.SURVEYED,
    "合同": AreaBasis.CONTRACT, "contract": AreaBasis.CONTRACT,
}
TEMPLATE_CSV = "楼栋,单元,房号,面积,面积依据\n1栋,1,101,89.50,登记\n1栋,1,102,76.20,测绘\n"

# "面积(㎡)", "面积（平方米）": a unit in brackets after a column name is ignored.
_BRACKETED_SUFFIX = re.compile(r"\s*[(（\[【].*?[)）\]】]\s*$")
# "89.5㎡", "89.5 平方米": the unit after an area is ignored.
_AREA_UNIT = re.compile(r"\s*(㎡|m²|m2|平方米|平米)$", re.IGNORECASE)


class UnreadableFile(ValueError):
    """The upload is not CSV text in an encoding we know (an .xlsx renamed .csv, an image...)."""


@dataclass(frozen=True)
class HouseholdRow:
    line: int
    building: str
    unit: str
    room: str
    area: Decimal | None
    area_basis: AreaBasis


@dataclass
class ParsedCsv:
    rows: list[HouseholdRow] = field(default_factory=list)
    errors: list[tuple[int, object]] = field(default_factory=list)  # (line, message)
    # Which of the optional columns the file has: a file without 面积 leaves existing areas alone.
    columns: frozenset[str] = frozenset()


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), UTF-16 with a BOM (Excel's "Unicode text"), else GB18030,
    which Chinese Excel writes by default. Raises UnreadableFile for anything else."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile() from None
    if "\x00" in text:
        raise UnreadableFile()
    return text


def normalise_unit(unit: str) -> str:
    """'2单元' and '2' are the same unit; the label adds 单元 itself (3栋2单元501)."""
    unit = unit.strip()
    return unit[: -len("单元")].strip() if unit.endswith("单元") and len(unit) > 2 else unit


def _column_name(raw: str) -> str:
    name = _BRACKETED_SUFFIX.sub("", raw.strip().lstrip("\ufeff")).strip().lower()
    return re.sub(r"[\s_]+", "_", name)


def _area(raw: str) -> Decimal | None:
    """The area rounded to 0.01 m², or None when it is not a finite number."""
    try:
        value = Decimal(_AREA_UNIT.sub("", raw))
        return value.quantize(CENT) if value.is_finite() else None
    except InvalidOperation:
        return None


def parse_households_csv(text: str) -> ParsedCsv:
    """Line numbers are the spreadsheet's row numbers. Raises UnreadableFile when it is not CSV at all."""
    result = ParsedCsv()
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    # Excel's "text (tab delimited)" .txt files use tabs.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    records = enumerate(reader, start=1)
    try:
        header_line, header = next(((n, r) for n, r in records if any(c.strip() for c in r)),
                                   (1, None))
        if header is None:
            result.errors.append((1, _l("The file is empty.")))
            return result
        names = [_column_name(h) for h in header]
        columns = {}
        for key, aliases in HEADERS.items():
            for alias in aliases:
                if alias in names:
                    columns[key] = names.index(alias)
                    break
        result.columns = frozenset(columns)
        missing = [HEADERS[k][0] for k in ("building", "room") if k not in columns]
        if missing:
            result.errors.append((header_line,
                                  _l("Missing columns: %(columns)s.", columns="、".join(missing))))
            return result
        seen: dict[tuple[str, str, str], int] = {}
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue
            if len(result.rows) + len(result.errors) >= MAX_ROWS:
                result.errors.append((line, _l("At most %(n)d households per file.", n=MAX_ROWS)))
                break
            _check_row(result, seen, line, record, columns)
    except csv.Error:
        raise UnreadableFile() from None
    if not result.rows and not result.errors:
        result.errors.append((header_line, _l("The file has no households.")))
    return result


def _check_row(result: ParsedCsv, seen: dict, line: int, record: list[str], columns: dict) -> None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return record[index].strip() if index is not None and index < len(record) else ""

    building, unit, room = cell("building"), normalise_unit(cell("unit")), cell("room")
    if not building or not room:
        result.errors.append((line, _l("Building and room are required.")))
        return
    if len(building) > 40 or len(unit) > 10 or len(room) > 20:
        result.errors.append((line, _l("Building, unit or room is too long.")))
        return
    area: Decimal | None = None
    if cell("area"):
        area = _area(cell("area"))
        if area is None:
            result.errors.append((line, _l("The area “%(value)s” is not a number.", value=cell("area"))))
            return
        if not Decimal("0") < area <= MAX_AREA:
            result.errors.append((line, _l("The area must be between 0 and 10,000 m².")))
            return
    basis = AREA_BASIS_WORDS.get(cell("area_basis").lower())
    if basis is None:
        result.errors.append((line, _l("Area basis must be 登记, 测绘 or 合同.")))
        return
    key = (building, unit, room)
    if key in seen:
        result.errors.append((line, _l("The same household is on line %(line)d.", line=seen[key])))
        return
    seen[key] = line
    result.rows.append(HouseholdRow(line, building, unit, room, area, basis))
