"""Helpers for qualkit's own tests and benchmarks, run from a checkout; the wheel leaves
this package out and nothing else in qualkit imports it.

- :mod:`.sample_project` a small synthetic project (two interviews, a codebook, accounts);
- :mod:`.loadtest` many simulated coders saving at once, and long synthetic transcripts;
- :mod:`.browser` the Chromium that browser tests and benchmarks launch, and its flags.
"""
