import math

import pytest

import sim
from sim.config import ConfigError, get_path, leaf_paths, with_overrides


def test_default_market_shape():
    cfg = sim.default_config()
    assert cfg.population.agents == 10_000
    assert len(cfg.brands) == 20
    assert 2 <= len(cfg.categories) <= 3
    assert 1 <= len(cfg.platforms) <= 2


def test_overrides_set_values_by_dotted_path():
    cfg = with_overrides(sim.default_config(), {"brands.0.strategy": "hybrid", "fatigue.tolerance_mean": 7,
                                                "platforms.1.reserve_cpm": 25.0})
    assert cfg.brands[0].strategy == "hybrid"
    assert cfg.fatigue.tolerance_mean == 7
    assert get_path(cfg, "platforms.1.reserve_cpm") == 25.0
    # the original is untouched
    assert sim.default_config().brands[0].strategy == "public_only"


def test_unknown_key_suggests_the_right_one():
    with pytest.raises(ConfigError) as e:
        with_overrides(sim.default_config(), {"fatigue.tolerence_mean": 3})
    assert "fatigue.tolerence_mean" in str(e.value) and "tolerance_mean" in str(e.value)


def test_out_of_range_and_wrong_type_and_nan_are_rejected():
    for ov in ({"platforms.0.invalid_traffic_share": 1.5}, {"population.agents": "many"},
               {"ads.ctr": math.nan}, {"brands.0.strategy": "nonsense"}, {"brands.40.price": 3}):
        with pytest.raises(ConfigError) as e:
            with_overrides(sim.default_config(), ov)
        assert list(ov)[0].split(".")[0] in str(e.value)


def test_every_leaf_parameter_is_documented():
    leaves = leaf_paths()
    assert len(leaves) > 80
    for path, field in leaves.items():
        assert field.description, f"{path} has no description"
        extra = field.json_schema_extra or {}
        assert "unit" in extra, f"{path} has no unit"


def test_dict_sections_accept_new_entries_but_models_do_not():
    cfg = with_overrides(sim.default_config(), {"strategies.focal_pool": {"run_pool": True, "push_per_day": 1.0},
                                                "private.modes.vip.capacity": 50})
    assert cfg.strategies["focal_pool"].run_pool and cfg.private.modes["vip"].capacity == 50
    with pytest.raises(ConfigError, match="unknown key 'pushes'"):
        with_overrides(sim.default_config(), {"strategies.hybrid.pushes": 2})


# ---------------------------------------------------------------- references in the tree


def _refused(ov: dict) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        with_overrides(sim.default_config(), ov)
    return e.value


@pytest.mark.parametrize("members, path, words", [
    ([0, -5], "alliances.groups.0.members", "brand index -5 must be 0 or more"),  # was brand 15, silently
    ([0, 0, 3], "alliances.groups.0.members", "brand 0 is listed more than once"),  # was a 2-member alliance
    ([0, 25], "alliances.groups.0.members.1", "brand 25 does not exist (the market has brands 0 to 19)"),
    ([7], "alliances.groups.0.members", "at least two distinct brands"),
    ([0, True], "alliances.groups.0.members", "not true/false"),  # was brand 1
])
def test_alliance_members_are_distinct_existing_brands(members, path, words):
    e = _refused({"alliances.groups": [{"name": "a", "members": members}]})
    assert e.path == path and words in e.reason, str(e)


def test_valid_alliances_still_load():
    cfg = with_overrides(sim.default_config(), {"alliances.groups": [{"members": [0, 11, 19]}, {"members": []}]})
    assert cfg.alliances.groups[0].members == [0, 11, 19]


@pytest.mark.parametrize("path", ["brands.-1.price", "categories.-3.need_share", "calendar.holidays.-1.days_after",
                                  "alliances.groups.-1.name"])
def test_a_negative_index_in_a_dotted_path_is_refused(path):
    e = _refused({path: 3})  # Python would count from the end: brands.-1 is brand 19
    assert e.path == path and "an index must be 0 or more" in e.reason, str(e)


def test_get_path_refuses_a_negative_index():
    cfg = sim.default_config()
    assert get_path(cfg, "brands.19.price") == cfg.brands[19].price
    for path in ("brands.-1.price", "brands.+1.price", "brands.٣.price"):
        with pytest.raises(IndexError):
            get_path(cfg, path)


@pytest.mark.parametrize("ov, path, words", [
    ({"brands.0.category": 3}, "brands.0.category", "category 3 does not exist (the market has categories 0 to 2)"),
    ({"brands.0.category": -1}, "brands.0.category", "greater than or equal to 0"),
    ({"brands.1.platform": 2}, "brands.1.platform", "platform 2 does not exist (the market has platforms 0 to 1)"),
    ({"market.focal_brand": 20}, "market.focal_brand", "brand 20 does not exist (the market has brands 0 to 19)"),
    ({"market.focal_brand": -1}, "market.focal_brand", "greater than or equal to 0"),
    ({"brands.2.strategy": "hybird"}, "brands.2.strategy", "did you mean 'hybrid'"),
    ({"strategies.hybrid.mode": "expret"}, "strategies.hybrid.mode", "did you mean 'expert'"),
])
def test_every_reference_names_its_path_and_what_exists(ov, path, words):
    e = _refused(ov)
    assert e.path == path and words in e.reason, str(e)


@pytest.mark.parametrize("path", ["fatigue.tolerance_mean", "population.agents", "run.warmup_days",
                                  "market.private_share", "brands.0.budget_per_day", "brands.0.category"])
def test_true_or_false_is_not_read_as_a_number(path):
    e = _refused({path: True})
    assert e.path == path and "not true/false" in e.reason, str(e)


def test_numbers_and_switches_still_take_what_they_did():
    cfg = with_overrides(sim.default_config(), {"fatigue.tolerance_mean": 7, "population.agents": 300.0,
                                                "fatigue.enabled": False, "market.private_share": None})
    assert (cfg.fatigue.tolerance_mean, cfg.population.agents, cfg.fatigue.enabled) == (7.0, 300, False)


@pytest.mark.parametrize("ov, path, words", [
    ({"calendar.holidays.1.month_day": "W01-1"}, "calendar.holidays.1.month_day", "MM-DD"),  # an ISO week date
    ({"calendar.holidays.1.month_day": "02-29"}, "calendar.holidays.1.month_day", "not a date of every year"),
    ({"calendar.holidays.0.dates": []}, "calendar.holidays.0", "needs month_day or dates"),
    ({"calendar.start_date": "0001-01-01"}, "calendar.start_date", "between 1900-01-01 and 2200-12-31"),
])
def test_holiday_and_calendar_dates_are_real_dates(ov, path, words):
    e = _refused(ov)
    assert e.path == path and words in e.reason, str(e)


def test_an_unquoted_yaml_date_in_holiday_dates_is_the_same_day():
    import datetime as dt

    cfg = with_overrides(sim.default_config(), {"calendar.holidays.0.dates": [dt.date(2025, 1, 29)]})
    assert cfg.calendar.holidays[0].dates == ["2025-01-29"]


@pytest.mark.parametrize("ov", [{"brands.0.unit_cost": 1.6e308}, {"brands.0.price": 1e-300},
                                {"brands.0.initial_cash": -1e300}, {"strategies.hybrid.coupon_value": 1e200},
                                {"brands.0.entry_day": 10**20}, {"population.scale": 5e-324},
                                {"ads.bid_prior_impressions": 0}])
def test_values_that_passed_validation_and_broke_the_run_are_refused(ov):
    # found by tests/test_formats.py: a unit cost of 1.6e308 put -inf in the first day's ledger, a subnormal
    # scale made the group size infinite, a zero prior weight divided by zero in the first bid
    e = _refused(ov)
    assert e.path == next(iter(ov)) and "Input should be" in e.reason, str(e)
