"""Decision tools: fit the market to a brand's own figures (:func:`sim.decide.calibrate.calibrate`), then search
for its best strategy (:func:`sim.decide.optimize.optimize`). docs/DECISIONS.md is the guide and
sim/decide/files.py holds the file formats. ``sim.calibrate`` and ``sim.optimize`` are the same functions."""
