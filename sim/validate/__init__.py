"""Validation: the stylized facts F1–F13 as executable checks (:mod:`.facts`, the registry and ``sim validate``;
the facts by topic in :mod:`.public_facts`, :mod:`.private_facts`, :mod:`.market_facts` and :mod:`.docking`,
which also docks the model on the Bass and GSP analytic results), and the validation report (:mod:`.report`)."""
