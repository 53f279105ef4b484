"""The configuration tree: every parameter of the model, with unit, default, range and source.

One pydantic v2 tree is the single source of parameters. Scenario files, the CLI's
``--set``, sweeps and the live app's sliders all read it. Every leaf is declared with
:func:`P`, which records a one-line description, the unit and (where there is one) the
source of the default value in the field's JSON-schema extras, so that documentation and
UI labels come from one place.

Set any parameter by dotted path with :func:`with_overrides`::

    cfg = with_overrides(default_config(), {"brands.0.strategy": "hybrid",
                                            "fatigue.tolerance_mean": 10})

Conventions (docs/MODEL.md §2.8): one step is one day; rates are per day unless the name
says otherwise; money is RMB; counts of people are of the represented market
(``population.scale`` people per simulated consumer).

The modules: :mod:`.fields` (how a parameter is declared and checked), :mod:`.market`
(population, graph, calendar, categories, platforms, ads, fatigue, choice), :mod:`.private`
(pools and operating modes, word of mouth, alliances), :mod:`.brands` (strategies, brands,
the run, :class:`SimConfig`, :func:`default_config`), :mod:`.paths` (dotted key paths),
:mod:`.decisions` (a brand's decisions as overrides) and :mod:`.suggestions` (the "did you mean" hint).
"""

from __future__ import annotations

from .brands import (
    STRATEGY_PRESETS,
    BrandConfig,
    MarketConfig,
    MetricsConfig,
    ReportConfig,
    RunConfig,
    SimConfig,
    StrategyConfig,
    default_config,
)
from .fields import (
    BOOL_NOT_NUMBER,
    CASH_MAX,
    MONEY_MAX,
    PEOPLE_MAX,
    ConfigError,
    NoBoolNumbers,
    P,
    bool_for_number,
    error_loc,
)
from .market import (
    SPRING_FESTIVAL,
    AdsConfig,
    CalendarConfig,
    CategoryConfig,
    ChoiceConfig,
    FatigueConfig,
    GraphConfig,
    HolidayConfig,
    PlatformConfig,
    PopulationConfig,
)
from .paths import (
    _inner_model as _inner_model,
)
from .paths import (
    get_path,
    leaf_paths,
    validate_config,
    with_overrides,
)
from .private import (
    AllianceConfig,
    AllianceSettings,
    OperatingMode,
    PrivateConfig,
    WomConfig,
)
from .suggestions import (
    suggest,
)

# the helper's old private name, for importers written before it was made public
_suggest = suggest

__all__ = [
    "BOOL_NOT_NUMBER",
    "CASH_MAX",
    "MONEY_MAX",
    "P",
    "PEOPLE_MAX",
    "SPRING_FESTIVAL",
    "STRATEGY_PRESETS",
    "AdsConfig",
    "AllianceConfig",
    "AllianceSettings",
    "BrandConfig",
    "CalendarConfig",
    "CategoryConfig",
    "ChoiceConfig",
    "ConfigError",
    "FatigueConfig",
    "GraphConfig",
    "HolidayConfig",
    "MarketConfig",
    "MetricsConfig",
    "NoBoolNumbers",
    "OperatingMode",
    "PlatformConfig",
    "PopulationConfig",
    "PrivateConfig",
    "ReportConfig",
    "RunConfig",
    "SimConfig",
    "StrategyConfig",
    "WomConfig",
    "bool_for_number",
    "default_config",
    "error_loc",
    "get_path",
    "leaf_paths",
    "suggest",
    "validate_config",
    "with_overrides",
]
