"""A study of one scenario: the scenario file (:mod:`.scenario`), its arms' runs on common random numbers
(:mod:`.runs`), and the comparative report (:mod:`.report`, with :mod:`.charts`, :mod:`.assumptions`, and on
request the channel truth of :mod:`.incrementality`, the sensitivity of :mod:`.sensitivity` over the levers of
:mod:`.levers`, and the tables of :mod:`.exports`). ``sim run`` is :func:`.study.run_study` (the runs) then
:func:`.report.write_report`."""
