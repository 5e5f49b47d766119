"""Importing households from a CSV upload: all or nothing, a per-row report, and re-imports that update."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.audit import services as audit_services
from neighbourhood.audit.models import AuditEntry
from neighbourhood.places import importing
from neighbourhood.places.models import AreaBasis, Building, Household
from tests.places.helpers import count, upload

GOOD = ("楼栋,单元,房号,面积,面积依据\n"
        "3栋,2,503,91.30,登记\n"
        "5栋,1,101,88,测绘\n"
        "5栋,1,102,,\n"
        "10栋,,1001,120.5,合同\n")


def households_by_label(session, compound):
    session.expire_all()
    return {h.label: (h.area, h.area_basis) for h in session.scalars(
        select(Household).where(Household.compound_id == compound.id))}


def import_entries(session):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "households.imported")))


def test_the_page_explains_the_format(station, world):
    page = station.get(f"/station/compounds/{world.compound.id}/import")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'type="file"' in body and 'enctype="multipart/form-data"' in body
    assert f"/station/compounds/{world.compound.id}/import/template.csv" in body


def test_a_valid_file_creates_buildings_and_households_with_areas(session, world, station):
    before = households_by_label(session, world.compound)
    response = upload(station, world.compound.id, GOOD)
    assert response.status_code == 200
    assert "Imported: 4 new, 0 updated, 0 unchanged." in response.get_data(as_text=True)
    after = households_by_label(session, world.compound)
    assert set(after) - set(before) == {"3栋2单元503", "5栋1单元101", "5栋1单元102", "10栋1001"}
    assert after["3栋2单元503"] == (Decimal("91.30"), AreaBasis.REGISTERED)
    assert after["5栋1单元101"] == (Decimal("88.00"), AreaBasis.SURVEYED)
    assert after["5栋1单元102"] == (None, AreaBasis.REGISTERED)
    assert after["10栋1001"] == (Decimal("120.50"), AreaBasis.CONTRACT)
    # 3栋 already existed: its new household joins it rather than a second 3栋.
    names = list(session.scalars(select(Building.name).where(Building.compound_id == world.compound.id)
                                 .order_by(Building.sort_key)))
    assert names == ["3栋", "5栋", "10栋"]
    # The other compound is untouched.
    assert set(households_by_label(session, world.other_compound)) == {"1栋1单元101"}


def test_a_valid_import_writes_one_audit_entry(session, world, station):
    entries_before = count(session, AuditEntry)
    upload(station, world.compound.id, GOOD)
    assert count(session, AuditEntry) == entries_before + 1
    [entry] = import_entries(session)
    assert entry.actor_id == world.users["station"].id
    assert entry.compound_id == world.compound.id and entry.community_id == world.community.id
    assert entry.data == {"created": 4, "updated": 0, "unchanged": 0, "changes": []}
    assert audit_services.verify_chain(session).ok


def test_one_bad_row_imports_nothing_and_reports_the_line(session, world, station):
    households, buildings = count(session, Household), count(session, Building)
    entries = count(session, AuditEntry)
    bad = GOOD + "6栋,1,101,abc,登记\n"
    response = upload(station, world.compound.id, bad)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Nothing was imported. 1 lines have problems:" in body
    assert "Line 6: The area “abc” is not a number." in body
    assert "Imported:" not in body
    assert count(session, Household) == households
    assert count(session, Building) == buildings  # not even 5栋 or 10栋
    assert count(session, AuditEntry) == entries


def test_every_problem_is_listed(session, world, station):
    bad = ("楼栋,单元,房号,面积,面积依据\n"
           "3栋,2,,80,登记\n"
           "3栋,2,601,0,登记\n"
           "3栋,2,602,80,估计\n"
           "3栋,2,603,80,登记\n"
           "3栋,2,603,80,登记\n")
    body = upload(station, world.compound.id, bad).get_data(as_text=True)
    assert "4 lines have problems" in body
    for expected in ("Line 2: Building and room are required.",
                     "Line 3: The area must be between 0 and 10,000 m².",
                     "Line 4: Area basis must be 登记, 测绘 or 合同.",
                     "Line 6: The same household is on line 5."):
        assert expected in body


def test_missing_columns_are_reported(session, world, station):
    households = count(session, Household)
    body = upload(station, world.compound.id, "单元,面积\n2,80\n").get_data(as_text=True)
    assert "Line 1: Missing columns: 楼栋、房号." in body
    assert count(session, Household) == households


def test_reimport_updates_changed_areas_and_reports_the_counts(session, world, station):
    # World: 3栋2单元501 89.50 registered, 3栋2单元502 89.50 registered.
    text = ("楼栋,单元,房号,面积,面积依据\n"
            "3栋,2,501,89.5,登记\n"      # unchanged (89.5 == 89.50)
            "3栋,2,502,89.50,测绘\n"     # basis changed
            "3栋,2,503,70,登记\n")       # new
    body = upload(station, world.compound.id, text).get_data(as_text=True)
    assert "Imported: 1 new, 1 updated, 1 unchanged." in body
    text2 = text.replace("3栋,2,503,70", "3栋,2,503,72.25")
    body = upload(station, world.compound.id, text2).get_data(as_text=True)
    assert "Imported: 0 new, 1 updated, 2 unchanged." in body
    after = households_by_label(session, world.compound)
    assert after == {"3栋2单元501": (Decimal("89.50"), AreaBasis.REGISTERED),
                     "3栋2单元502": (Decimal("89.50"), AreaBasis.SURVEYED),
                     "3栋2单元503": (Decimal("72.25"), AreaBasis.REGISTERED)}
    # Each import is one audit entry, with the before and after of every area it changed.
    new_id = session.scalar(select(Household.id).where(Household.room == "503"))
    assert [e.data for e in import_entries(session)] == [
        {"created": 1, "updated": 1, "unchanged": 1,
         "changes": [{"household_id": world.free_household.id, "label": "3栋2单元502",
                      "area": ["89.50", "89.50"], "area_basis": ["registered", "surveyed"]}]},
        {"created": 0, "updated": 1, "unchanged": 2,
         "changes": [{"household_id": new_id, "label": "3栋2单元503",
                      "area": ["70.00", "72.25"], "area_basis": ["registered", "registered"]}]}]
    # Importing the same file again changes nothing, and the memberships of existing households survive.
    body = upload(station, world.compound.id, text2).get_data(as_text=True)
    assert "Imported: 0 new, 0 updated, 3 unchanged." in body
    assert count(session, Household, Household.compound_id == world.compound.id) == 3


def test_a_file_without_an_area_column_keeps_the_areas_on_record(session, world, station):
    world.household.area_basis = AreaBasis.SURVEYED
    session.commit()
    body = upload(station, world.compound.id, "楼栋,单元,房号\n3栋,2,501\n3栋,2,502\n3栋,2,509\n")
    assert "Imported: 1 new, 0 updated, 2 unchanged." in body.get_data(as_text=True)
    after = households_by_label(session, world.compound)
    assert after["3栋2单元501"] == (Decimal("89.50"), AreaBasis.SURVEYED)
    assert after["3栋2单元502"] == (Decimal("89.50"), AreaBasis.REGISTERED)
    assert after["3栋2单元509"] == (None, AreaBasis.REGISTERED)


def test_an_empty_area_cell_clears_the_area(session, world, station):
    upload(station, world.compound.id, "楼栋,单元,房号,面积\n3栋,2,501,\n")
    assert households_by_label(session, world.compound)["3栋2单元501"][0] is None


def test_a_gbk_file_from_chinese_excel(session, world, station):
    response = upload(station, world.compound.id, GOOD.replace("\n", "\r\n").encode("gbk"))
    assert "Imported: 4 new" in response.get_data(as_text=True)
    assert "10栋1001" in households_by_label(session, world.compound)


def test_a_utf8_bom_file_from_excel(session, world, station):
    response = upload(station, world.compound.id, b"\xef\xbb\xbf" + GOOD.encode())
    assert "Imported: 4 new" in response.get_data(as_text=True)


def test_a_tab_separated_txt_file(session, world, station):
    response = upload(station, world.compound.id, GOOD.replace(",", "\t").encode("gbk"), "households.txt")
    assert "Imported: 4 new" in response.get_data(as_text=True)


def test_files_over_2_mb_are_refused(session, world, station):
    households = count(session, Household)
    row = "3栋,2,501,89.5,登记\n"
    data = ("楼栋,单元,房号,面积,面积依据\n" + row * (2 * 1024 * 1024 // len(row.encode()) + 1)).encode()
    assert len(data) > 2 * 1024 * 1024
    response = upload(station, world.compound.id, data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "The file is larger than 2 MB." in body and "Nothing was imported" not in body
    assert count(session, Household) == households


def test_a_file_of_exactly_2_mb_is_read(session, world, station):
    head = "楼栋,单元,房号\n3栋,2,777\n".encode()
    data = head + b"\n" * (2 * 1024 * 1024 - len(head))
    assert len(data) == 2 * 1024 * 1024
    assert "Imported: 1 new" in upload(station, world.compound.id, data).get_data(as_text=True)


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x80",
                                  b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"], ids=["xlsx", "jpeg"])
def test_a_spreadsheet_or_picture_renamed_csv_is_refused_not_a_crash(session, world, station, data):
    households = count(session, Household)
    response = upload(station, world.compound.id, data)
    assert response.status_code == 200
    assert "Upload a .csv file." in response.get_data(as_text=True)
    assert count(session, Household) == households


def test_other_file_types_and_no_file_are_refused(session, world, station):
    response = upload(station, world.compound.id, GOOD, "households.xlsx")
    assert response.status_code == 200 and "Upload a .csv file." in response.get_data(as_text=True)
    response = station.post(f"/station/compounds/{world.compound.id}/import", data={},
                            content_type="multipart/form-data")
    assert response.status_code == 200 and "Choose a CSV file." in response.get_data(as_text=True)
    assert count(session, Household, Household.compound_id == world.compound.id) == 2


def test_the_template_download_works_and_imports_as_is(session, world, station):
    response = station.get(f"/station/compounds/{world.compound.id}/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=households.csv"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # so Excel opens the Chinese headers as UTF-8
    assert data.decode("utf-8-sig") == importing.TEMPLATE_CSV
    body = upload(station, world.compound.id, data).get_data(as_text=True)
    assert "Imported: 2 new, 0 updated, 0 unchanged." in body
    assert households_by_label(session, world.compound)["1栋1单元102"] == (Decimal("76.20"), AreaBasis.SURVEYED)


def test_the_same_file_for_another_compound_makes_its_own_households(session, world, client_as):
    admin = client_as("admin")
    upload(admin, world.compound.id, GOOD)
    upload(admin, world.other_compound.id, GOOD)
    assert len(households_by_label(session, world.compound)) == 6
    assert len(households_by_label(session, world.other_compound)) == 5


def test_more_than_5000_households_are_refused_whole(session, world, station):
    households = count(session, Household)
    rows = "".join(f"{n // 100 + 20}栋,,{n}\n" for n in range(5001))
    body = upload(station, world.compound.id, "楼栋,单元,房号\n" + rows).get_data(as_text=True)
    assert "Line 5002: At most 5000 households per file." in body
    assert count(session, Household) == households


def test_building_names_full_of_numbers_import(session, world, station):
    name = "1-2-3-4-5-6-7-8-9-10-11-12-13-14"
    body = upload(station, world.compound.id, f"楼栋,房号\n{name},101\n").get_data(as_text=True)
    assert "Imported: 1 new" in body
    assert len(session.scalar(select(Building.sort_key).where(Building.name == name))) <= 80
