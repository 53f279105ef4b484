"""Users' files, whatever their kind (scenario, experiment, explainer, calibration, optimisation): read safely
with each key's line (:mod:`.reading`), mistakes reported on one line naming the file, the key and the line
(:mod:`.errors`), overrides applied to a market and checked before any run (:mod:`.markets`), and the
economics a user rarely means warned of (:mod:`.economics`). Every workflow's loader builds on these."""

from .economics import warn_economics
from .errors import FileWarning, UserError, one_line, warn_file
from .markets import apply_overrides, check_resources, flatten, quicken
from .reading import line_for, parse_set, read_yaml, validate_file

__all__ = ["FileWarning", "UserError", "apply_overrides", "check_resources", "flatten", "line_for", "one_line",
           "parse_set", "quicken", "read_yaml", "validate_file", "warn_economics", "warn_file"]
