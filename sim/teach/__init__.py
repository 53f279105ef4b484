"""Teaching: the live app of ``sim viz`` (:mod:`.app`, Mesa's SolaraViz over the model; started by
:mod:`.launch`) and the standalone interactive page of ``sim explain`` (:mod:`.explain`)."""
