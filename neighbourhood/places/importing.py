"""Parsing a household CSV into checked rows, with no database: every problem is reported per row."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from neighbourhood.places.models import AreaBasis

MAX_ROWS = 5000
MAX_AREA = Decimal("10000")

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


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else GB18030, which Chinese Excel writes by default."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_households_csv(text: str) -> ParsedCsv:
    result = ParsedCsv()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        result.errors.append((1, _l("The file is empty.")))
        return result
    names = [h.strip().lower() for h in header]
    columns = {}
    for key, aliases in HEADERS.items():
        for alias in aliases:
            if alias in names:
                columns[key] = names.index(alias)
                break
    missing = [HEADERS[k][0] for k in ("building", "room") if k not in columns]
    if missing:
        result.errors.append((1, _l("Missing columns: %(columns)s.", columns="、".join(missing))))
        return result
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(result.rows) + len(result.errors) >= MAX_ROWS:
            result.errors.append((line, _l("At most %(n)d households per file.", n=MAX_ROWS)))
            break

        def cell(key: str) -> str:
            index = columns.get(key)
            return record[index].strip() if index is not None and index < len(record) else ""

        building, unit, room = cell("building"), cell("unit"), cell("room")
        if not building or not room:
            result.errors.append((line, _l("Building and room are required.")))
            continue
        if len(building) > 40 or len(unit) > 10 or len(room) > 20:
            result.errors.append((line, _l("Building, unit or room is too long.")))
            continue
        area: Decimal | None = None
        if cell("area"):
            try:
                area = Decimal(cell("area")).quantize(Decimal("0.01"))
            except InvalidOperation:
                result.errors.append((line, _l("The area “%(value)s” is not a number.",
                                               value=cell("area"))))
                continue
            if not Decimal("0") < area <= MAX_AREA:
                result.errors.append((line, _l("The area must be between 0 and 10,000 m².")))
                continue
        basis = AREA_BASIS_WORDS.get(cell("area_basis").lower())
        if basis is None:
            result.errors.append((line, _l("Area basis must be 登记, 测绘 or 合同.")))
            continue
        key = (building, unit, room)
        if key in seen:
            result.errors.append((line, _l("The same household is on line %(line)d.", line=seen[key])))
            continue
        seen[key] = line
        result.rows.append(HouseholdRow(line, building, unit, room, area, basis))
    if not result.rows and not result.errors:
        result.errors.append((1, _l("The file has no households.")))
    return result
