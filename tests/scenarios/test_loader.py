"""The scenario loader: the bundled networks are complete and sourced; bad files are rejected
with the file, the row and the field named."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from scenarios.loader import ScenarioError, load_network, scenario_dir
from scenarios.network import SiteKind
from tests.shared_data import need_shared


def _shared_rows(city: str) -> dict[str, dict[str, str]]:
    with need_shared("seed-data/sites.csv").open(encoding="utf-8") as handle:
        return {r["id"]: r for r in csv.DictReader(handle) if r["city"] == city}


def test_munakata_has_every_site_of_the_digest() -> None:
    network = load_network("munakata")
    kinds = Counter(s.kind for s in network.sites)
    assert kinds[SiteKind.LIBRARY] == 1
    assert kinds[SiteKind.BRANCH] == 2
    assert kinds[SiteKind.ANNEX] == 1
    assert kinds[SiteKind.SERVICE_POINT] == 4  # 自由ヶ丘, 赤間, 大島, 地島
    assert kinds[SiteKind.RETURN_POST] == 7
    assert kinds[SiteKind.SCHOOL] == 21
    assert kinds[SiteKind.PORT] == 3
    assert network.hub_site_id == "munakata-central"
    assert {s.via_port_id for s in network.sites if s.via_port_id} == {
        "munakata-port-konominato", "munakata-port-kanezaki"}


@pytest.mark.parametrize("city", ["munakata", "ichinoseki"])
def test_coordinates_source_and_accuracy_are_the_seeds_unchanged(city: str) -> None:
    shared = _shared_rows(city)
    network = load_network(city)
    seen = 0
    for site in network.sites:
        if site.site_id not in shared:
            continue
        row = shared[site.site_id]
        assert site.lat == float(row["lat"]) and site.lon == float(row["lon"])
        assert site.source == row["source"]
        assert site.accuracy_m == int(row["accuracy_m"])
        seen += 1
    assert seen == len(shared)


def test_ichinoseki_has_eight_libraries_and_sourced_schools() -> None:
    network = load_network("ichinoseki")
    libraries = network.sites_of_kind(SiteKind.LIBRARY, SiteKind.BRANCH)
    assert len(libraries) == 8
    schools = network.sites_of_kind(SiteKind.SCHOOL)
    assert len(schools) >= 20
    for school in schools:
        assert "GSI" in school.source and school.accuracy_m == 75
        assert 38.8 <= school.lat <= 39.1 and 140.9 <= school.lon <= 141.6
        assert school.run_weekdays  # the bookmobile round visits each school on its day


@pytest.mark.parametrize("city", ["munakata", "ichinoseki"])
def test_every_site_has_a_short_name_shorter_than_its_name_and_unique(city: str) -> None:
    sites = load_network(city).sites

    assert len({s.short_name for s in sites}) == len(sites)
    assert all(s.short_name and len(s.short_name) <= min(len(s.name_ja), 10) for s in sites)
    by_id = {s.site_id: s.short_name for s in sites}
    if city == "munakata":
        assert by_id["munakata-akama-station"] == "赤間駅ポスト"
        assert by_id["munakata-es-akama"] == "赤間小"


def test_a_site_without_a_short_name_is_called_by_its_name(scenario_copy: Path) -> None:
    _edit_csv(scenario_copy / "sites.csv", 1, "short_name", "")

    site = load_network(scenario_copy).site("munakata-fukata")

    assert site.short_name == site.name_ja


# --- bad files ---------------------------------------------------------------------------


@pytest.fixture()
def scenario_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "city"
    shutil.copytree(scenario_dir("munakata"), folder)
    return folder


def _edit_csv(path: Path, row_index: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    rows[row_index][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("lat", "123.4", "row 3 field 'lat': must be within [-90, 90], got 123.4"),
    ("lon", "east", "row 3 field 'lon': must be a number, got 'east'"),
    ("hours", "18:00-10:00", "row 3 field 'hours': closes before it opens: '18:00-10:00'"),
    ("hours", "25:00-26:00", "row 3 field 'hours': must be a time between 00:00 and 24:00"),
    ("id", "munakata-central", "row 3 field 'id': duplicate id 'munakata-central'"),
    ("kind", "castle", "row 3 field 'kind': must be one of library, branch"),
    ("calendar", "lunar", "row 3 field 'calendar': unknown calendar 'lunar'"),
    ("service_min", "-5", "row 3 field 'service_min': must be minutes >= 0, got '-5'"),
    ("short_name", "中央館", "row 3 field 'short_name': '中央館' is already the short name of "
                            "site 'munakata-central'"),
])
def test_a_bad_site_row_names_the_file_row_field_and_value(
        scenario_copy: Path, column: str, value: str, expected: str) -> None:
    _edit_csv(scenario_copy / "sites.csv", 1, column, value)
    with pytest.raises(ScenarioError) as info:
        load_network(scenario_copy)
    message = str(info.value)
    assert str(scenario_copy / "sites.csv") in message
    assert expected in message


def test_an_unknown_post_id_in_the_monthly_table_is_named(scenario_copy: Path) -> None:
    _edit_csv(scenario_copy / "drop_posts_fy2023.csv", 4, "post_id", "munakata-moon-post")
    with pytest.raises(ScenarioError, match=r"drop_posts_fy2023\.csv row 6 field 'post_id': "
                                            r"unknown site id 'munakata-moon-post'"):
        load_network(scenario_copy)


def test_an_unknown_hub_is_named(scenario_copy: Path) -> None:
    _replace(scenario_copy / "scenario.yaml", "hub: munakata-central", "hub: munakata-nowhere")
    with pytest.raises(ScenarioError, match=r"scenario\.yaml field 'hub': unknown site id "
                                            r"'munakata-nowhere'"):
        load_network(scenario_copy)


def test_a_negative_van_capacity_is_named(scenario_copy: Path) -> None:
    _replace(scenario_copy / "scenario.yaml", "capacity: {crates: 40, items: 1400}",
             "capacity: {crates: -40, items: 1400}")
    with pytest.raises(ScenarioError, match=r"field 'vehicles\.van-1\.capacity': crates: "
                                            r"must be >= 0, got -40"):
        load_network(scenario_copy)


def test_a_lunch_break_outside_the_shift_is_named(scenario_copy: Path) -> None:
    _replace(scenario_copy / "scenario.yaml", 'between: "11:30-13:30"',
             'between: "07:00-08:00"')
    with pytest.raises(ScenarioError, match=r"vehicles\.van-1\.lunch'.*does not fit the shift"):
        load_network(scenario_copy)


def test_duplicate_van_ids_are_named(scenario_copy: Path) -> None:
    _replace(scenario_copy / "scenario.yaml", "ids: [van-1, van-2]", "ids: [van-1, van-1]")
    with pytest.raises(ScenarioError, match=r"'vehicles\.ids': duplicate ids \['van-1'\]"):
        load_network(scenario_copy)


def test_a_bad_closed_period_is_named(scenario_copy: Path) -> None:
    _replace(scenario_copy / "scenario.yaml", '"08-13..08-15"', '"08-13..08-32"')
    with pytest.raises(ScenarioError, match=r"field 'calendars\.library': not a day of the "
                                            r"year: '08-13\.\.08-32'"):
        load_network(scenario_copy)


def test_a_ferry_from_a_site_that_is_not_a_port_is_named(scenario_copy: Path) -> None:
    _replace(scenario_copy / "scenario.yaml", "mainland_port: munakata-port-konominato",
             "mainland_port: munakata-sue")
    with pytest.raises(ScenarioError, match=r"ferries\[0\]\.mainland_port': 'munakata-sue' "
                                            r"is not a port site"):
        load_network(scenario_copy)


def test_an_unknown_scenario_name_says_which_exist() -> None:
    with pytest.raises(ScenarioError, match="not a bundled scenario \\(munakata, ichinoseki\\)"):
        load_network("atlantis")


def test_a_negative_figure_is_named(scenario_copy: Path) -> None:
    _edit_csv(scenario_copy / "site_figures.csv", 0, "loans_items", "-3")
    with pytest.raises(ScenarioError, match=r"site_figures\.csv row 2 field 'loans_items': "
                                            r"must be >= 0, got -3"):
        load_network(scenario_copy)
