"""Reading a household CSV, with no database and no app: what the station gets back for each kind of file."""
from decimal import Decimal

import pytest

from neighbourhood.places import importing
from neighbourhood.places.importing import decode, parse_households_csv
from neighbourhood.places.models import AreaBasis

CHINESE = "楼栋,单元,房号,面积,面积依据\n3栋,2,501,89.50,登记\n3栋,2,502,76.2,测绘\n10栋,,101,120,合同\n"


def rows_of(text):
    parsed = parse_households_csv(text)
    assert parsed.errors == []
    return [(r.line, r.building, r.unit, r.room, r.area, r.area_basis) for r in parsed.rows]


def errors_of(text):
    parsed = parse_households_csv(text)
    assert parsed.rows == [] or parsed.errors, "expected errors"
    return [(line, str(message)) for line, message in parsed.errors]


def test_chinese_headers():
    assert rows_of(CHINESE) == [
        (2, "3栋", "2", "501", Decimal("89.50"), AreaBasis.REGISTERED),
        (3, "3栋", "2", "502", Decimal("76.20"), AreaBasis.SURVEYED),
        (4, "10栋", "", "101", Decimal("120.00"), AreaBasis.CONTRACT),
    ]


def test_english_headers_in_any_case_and_order():
    text = "Room,AREA,Building,Area_Basis,Unit\n501,89.5,3栋,surveyed,2\n502,,3栋,,2\n"
    assert rows_of(text) == [
        (2, "3栋", "2", "501", Decimal("89.50"), AreaBasis.SURVEYED),
        (3, "3栋", "2", "502", None, AreaBasis.REGISTERED),
    ]


def test_headers_with_a_unit_in_brackets_and_spaces_are_recognised():
    text = " 楼栋 ,单元,房号,面积（㎡）,面积依据\n3栋,2,501,89.5,登记\n"
    assert rows_of(text)[0][4] == Decimal("89.50")


def test_only_building_and_room_columns_are_required():
    parsed = parse_households_csv("楼栋,房号\n3栋,501\n")
    assert [(r.building, r.unit, r.room, r.area) for r in parsed.rows] == [("3栋", "", "501", None)]
    assert parsed.columns == frozenset({"building", "room"})
    assert parse_households_csv(CHINESE).columns == frozenset(importing.HEADERS)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gbk_from_chinese_excel(encoding):
    data = CHINESE.replace("\n", "\r\n").encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test really exercises the fallback
    assert rows_of(decode(data)) == rows_of(CHINESE)


def test_utf8_with_bom_from_excel_csv_utf8():
    data = "\ufeff".encode() + CHINESE.encode("utf-8")
    text = decode(data)
    assert not text.startswith("\ufeff")
    assert rows_of(text) == rows_of(CHINESE)


def test_a_bom_left_in_the_text_does_not_hide_the_first_column():
    assert rows_of("\ufeff" + CHINESE) == rows_of(CHINESE)


def test_utf16_tab_separated_unicode_text_from_excel():
    data = CHINESE.replace(",", "\t").encode("utf-16")
    assert rows_of(decode(data)) == rows_of(CHINESE)


def test_tab_separated_gbk_text_file():
    assert rows_of(decode(CHINESE.replace(",", "\t").encode("gbk"))) == rows_of(CHINESE)


@pytest.mark.parametrize("data", [
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\x80\x81",  # an .xlsx renamed .csv
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "楼栋,房号\n3栋,501\n".encode("utf-16-le"),  # UTF-16 without a BOM decodes to text full of NULs
], ids=["xlsx", "png", "utf16-without-bom"])
def test_binary_files_are_unreadable_not_a_crash(data):
    with pytest.raises(importing.UnreadableFile):
        parse_households_csv(decode(data))


def test_a_runaway_quoted_field_is_unreadable_not_a_crash():
    text = '楼栋,房号\n"3栋,' + "x" * 200_000 + "\n"
    with pytest.raises(importing.UnreadableFile):
        parse_households_csv(text)


def test_line_numbers_count_the_header_and_blank_lines():
    text = "楼栋,单元,房号,面积\n\n3栋,2,501,89.5\n,,,\n  ,\n3栋,2,,80\n"
    parsed = parse_households_csv(text)
    assert [r.line for r in parsed.rows] == [3]
    assert [line for line, _ in parsed.errors] == [6]


def test_blank_lines_before_the_header_are_skipped():
    parsed = parse_households_csv("\n,,\n楼栋,房号\n3栋,501\n")
    assert parsed.errors == [] and [(r.line, r.room) for r in parsed.rows] == [(4, "501")]


def test_cells_are_trimmed():
    assert rows_of("楼栋,单元,房号,面积\n 3栋 , 2 , 501 , 89.5 \n") == [
        (2, "3栋", "2", "501", Decimal("89.50"), AreaBasis.REGISTERED)]


def test_a_unit_written_with_单元_is_the_same_unit():
    text = "楼栋,单元,房号\n3栋,2单元,501\n3栋,2,501\n"
    parsed = parse_households_csv(text)
    assert parsed.rows[0].unit == "2"
    assert [line for line, _ in parsed.errors] == [3]  # the same household twice


def test_areas_with_a_unit_after_them():
    text = "楼栋,房号,面积\n3栋,501,89.5㎡\n3栋,502,76 平方米\n3栋,503,60m2\n"
    assert [r[4] for r in rows_of(text)] == [Decimal("89.50"), Decimal("76.00"), Decimal("60.00")]


def test_area_is_rounded_to_hundredths():
    assert rows_of("楼栋,房号,面积\n3栋,501,89.555\n")[0][4] == Decimal("89.56")


@pytest.mark.parametrize("value", ["八十", "89,5", "abc", "NaN", "nan", "sNaN", "Infinity", "-inf", "1e999999"])
def test_non_numeric_area(value):
    text = f'楼栋,房号,面积\n3栋,501,89\n3栋,502,"{value}"\n'
    assert errors_of(text) == [(3, f"The area “{value}” is not a number.")]


@pytest.mark.parametrize("value", ["0", "-5", "0.001", "10000.01", "99999", "1e6"])
def test_area_out_of_range(value):
    assert errors_of(f"楼栋,房号,面积\n3栋,501,{value}\n") == [
        (2, "The area must be between 0 and 10,000 m².")]


@pytest.mark.parametrize("value", ["0.01", "10000", "10000.00"])
def test_area_at_the_limits_is_accepted(value):
    assert rows_of(f"楼栋,房号,面积\n3栋,501,{value}\n")[0][4] == Decimal(value).quantize(Decimal("0.01"))


def test_bad_area_basis():
    assert errors_of("楼栋,房号,面积,面积依据\n3栋,501,89,估计\n") == [
        (2, "Area basis must be 登记, 测绘 or 合同.")]


@pytest.mark.parametrize("word, basis", [
    ("登记", AreaBasis.REGISTERED), ("测绘", AreaBasis.SURVEYED), ("合同", AreaBasis.CONTRACT),
    ("Registered", AreaBasis.REGISTERED), ("SURVEYED", AreaBasis.SURVEYED), ("contract", AreaBasis.CONTRACT),
    ("", AreaBasis.REGISTERED),
])
def test_area_basis_words(word, basis):
    assert rows_of(f"楼栋,房号,面积,面积依据\n3栋,501,89,{word}\n")[0][5] is basis


@pytest.mark.parametrize("row", ["3栋,,89", ",501,89", " , ,89"])
def test_missing_building_or_room(row):
    assert errors_of(f"楼栋,房号,面积\n3栋,500,89\n{row}\n") == [(3, "Building and room are required.")]


def test_a_short_row_is_missing_its_room():
    assert errors_of("楼栋,单元,房号\n3栋,2\n") == [(2, "Building and room are required.")]


def test_too_long_names():
    text = f"楼栋,单元,房号\n{'栋' * 41},2,501\n3栋,{'1' * 11},501\n3栋,2,{'1' * 21}\n3栋,{'1' * 10},{'1' * 20}\n"
    parsed = parse_households_csv(text)
    assert [line for line, _ in parsed.errors] == [2, 3, 4]
    assert [r.line for r in parsed.rows] == [5]


def test_duplicate_line_names_the_first():
    text = "楼栋,单元,房号,面积\n3栋,2,501,89\n3栋,2,502,80\n3栋,2,501,90\n"
    assert errors_of(text) == [(4, "The same household is on line 2.")]


def test_same_room_in_another_unit_or_building_is_not_a_duplicate():
    text = "楼栋,单元,房号\n3栋,1,501\n3栋,2,501\n4栋,1,501\n3栋,,501\n"
    assert len(rows_of(text)) == 4


def test_every_bad_row_is_reported_not_just_the_first():
    text = ("楼栋,单元,房号,面积,面积依据\n"
            "3栋,2,501,89,登记\n"      # 2 fine
            "3栋,2,,89,登记\n"         # 3 missing room
            "3栋,2,502,abc,登记\n"     # 4 not a number
            "3栋,2,503,0,登记\n"       # 5 out of range
            "3栋,2,504,80,估计\n"      # 6 bad basis
            "3栋,2,501,89,登记\n")     # 7 duplicate of 2
    parsed = parse_households_csv(text)
    assert [line for line, _ in parsed.errors] == [3, 4, 5, 6, 7]
    assert [r.line for r in parsed.rows] == [2]


@pytest.mark.parametrize("header, missing", [
    ("单元,房号,面积", "楼栋"), ("楼栋,单元,面积", "房号"), ("unit,area", "楼栋、房号"), ("a,b,c", "楼栋、房号"),
])
def test_missing_columns(header, missing):
    assert errors_of(f"{header}\n3栋,2,501\n") == [(1, f"Missing columns: {missing}.")]


@pytest.mark.parametrize("text", ["", "\n\n", " , ,\n"])
def test_empty_file(text):
    assert errors_of(text) == [(1, "The file is empty.")]


def test_header_only():
    assert errors_of("楼栋,单元,房号\n\n") == [(1, "The file has no households.")]


def test_max_rows_cap(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = "".join(f"3栋,2,{100 + n}\n" for n in range(5))
    parsed = parse_households_csv("楼栋,单元,房号\n\n" + rows)
    assert [r.room for r in parsed.rows] == ["100", "101", "102"]
    assert [(line, str(m)) for line, m in parsed.errors] == [(6, "At most 3 households per file.")]


def test_exactly_max_rows_is_accepted(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    parsed = parse_households_csv("楼栋,房号\n3栋,1\n3栋,2\n3栋,3\n")
    assert parsed.errors == [] and len(parsed.rows) == 3


def test_the_real_cap_is_5000():
    rows = "".join(f"{n // 100}栋,,{n}\n" for n in range(5001))
    parsed = parse_households_csv("楼栋,单元,房号\n" + rows)
    assert len(parsed.rows) == 5000
    assert [(line, str(m)) for line, m in parsed.errors] == [(5002, "At most 5000 households per file.")]


def test_the_template_file_parses():
    parsed = parse_households_csv(decode(("\ufeff" + importing.TEMPLATE_CSV).encode()))
    assert parsed.errors == [] and len(parsed.rows) == 2
