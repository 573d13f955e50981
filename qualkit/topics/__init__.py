"""Theme discovery and code suggestions over de-identified passages.

- :mod:`.passages`: participant speech cut into passages of about 40–120 words.
- :mod:`.embed`: offline all-MiniLM-L6-v2 embeddings with a cache by text hash.
- :mod:`.suggest`: ranking a codebook's codes for passages (:class:`~.suggest.CodeSuggester`),
  with calibrated scores; no storage here.
- :mod:`.cache`: suggesters kept per project state (:class:`~.cache.SuggesterCache`).
- :mod:`.project_suggest`: a project's suggester, the shared cache of them,
  :func:`~.project_suggest.suggest_for_passage` and accepting a suggestion.
- :mod:`.suggest_csv`: suggestions file to file (:func:`~.suggest_csv.suggest_codes_file`).
- :mod:`.themes`: codebook-seeded BERTopic themes and the decisions people make on them.
- :mod:`.evaluate`: accuracy of suggestions and agreement of themes with the team's coding.

Heavy libraries (torch, sentence-transformers, BERTopic) load only when used; they come
with the ``topics`` extra.
"""
