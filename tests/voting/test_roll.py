"""The owners' roll from the register (pure): interpretation Art. 9 headcount with summed areas."""
from decimal import Decimal

from neighbourhood.voting.roll import RegisterUnit, group_owners, households_roll, residents_roll
from neighbourhood.voting.statutory import DEVELOPER, Unit, build_roll


def unit(hid, area, owners=(), adults=None, developer=False, label=None):
    return RegisterUnit(household_id=hid, label=label or f"1栋{hid}", area=Decimal(area), developer_held=developer,
                        owners=tuple(owners), adults=tuple(owners if adults is None else adults))


def test_shared_owners_join_units_into_one_owner_transitively():
    # 王 owns 1 and 2 with 李; 李 also owns 3; 赵 owns 4 alone; 5 is unclaimed; 6 and 7 are unsold.
    units = [unit(1, "89.50", [10, 11]), unit(2, "12.00", [10]), unit(3, "60.25", [11]), unit(4, "75.00", [12]),
             unit(5, "80.00"), unit(6, "100.00", developer=True), unit(7, "120.00", developer=True)]
    roll = {e.key: e for e in group_owners(units)}
    assert set(roll) == {"h:1", "h:4", "h:5", DEVELOPER}
    assert roll["h:1"].area == Decimal("161.75") and roll["h:1"].voters == [10, 11] and roll["h:1"].unit_count == 3
    assert roll["h:5"].voters == [] and roll[DEVELOPER].area == Decimal("220.00")


def test_the_roll_agrees_with_the_statutory_module():
    units = [unit(1, "89.50", [10]), unit(2, "12.00", [10]), unit(3, "70.00", [11]), unit(4, "300.00", developer=True)]
    ours = group_owners(units)
    law = build_roll([Unit(owner=e.key, area=e.area, developer_held=e.key == DEVELOPER) for e in ours])
    assert (len(ours), sum(e.area for e in ours)) == (law.total_owners, law.total_area) == (3, Decimal("471.50"))


def test_residents_and_households_rolls_leave_out_minors_and_empty_households():
    units = [unit(1, "90", owners=[10], adults=[10, 13]), unit(2, "80", owners=[], adults=[]),
             unit(3, "70", owners=[], adults=[13])]
    assert [e.key for e in residents_roll(units)] == ["u:10", "u:13"]
    assert [(e.key, e.voters) for e in households_roll(units)] == [("h:1", [10, 13]), ("h:3", [13])]
