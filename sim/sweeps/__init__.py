"""Parameter sweeps: the experiment file and its design (:mod:`.experiment`), the resumable sweep over a process
pool or a Dask cluster (:mod:`.sweep`), and the sweep report of ``sim analyze`` (:mod:`.analyze`, over the tables
of :mod:`.tables` and the figures of :mod:`.charts`)."""
