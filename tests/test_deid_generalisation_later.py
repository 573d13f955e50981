"""The other half of the later unseen sets' first-score floors (FIRST_SCORES in
test_deid_generalisation.py), in a file of its own so that the test run's two processes
share the sets."""

from __future__ import annotations

import pytest

from tests.test_deid_generalisation import SECOND_HALF, first_score_holds


@pytest.mark.slow
@pytest.mark.parametrize("part", SECOND_HALF)
def test_figures_on_the_other_later_unseen_sets_do_not_fall(part: str) -> None:
    """Each set's figures are no worse than its first score, taken before it was read."""
    first_score_holds(part)
