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
