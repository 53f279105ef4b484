"""A study of one scenario: the scenario file (:mod:`.scenario`), its arms' runs on common random numbers
(:mod:`.runs`), and the comparative report (:mod:`.report`) over the focal brand's figures (:mod:`.kpis`), with
its :mod:`.charts` and :mod:`.assumptions` and, on request, the channel truth of :mod:`.incrementality`, what
flips the verdict (:mod:`.sensitivity` over the levers of :mod:`.levers`, shown by :mod:`.sensitivity_report`)
and the tables of :mod:`.exports`. ``sim run`` is :func:`.study.run_study` (the runs), then
:func:`.report.write_report`."""
