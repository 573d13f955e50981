"""The Patterns page, run by Streamlit's own test runner on the hand-worked project."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qualkit.storage import Store
from tests.test_analysis import fixture_store  # noqa: F401 - the hand-worked project

pytestmark = pytest.mark.slow


def _page(role: str) -> None:
    import time

    import streamlit as st

    from qualkit.model import Role
    from qualkit.ui.pages import patterns
    from qualkit.ui.session import SignedIn
    from qualkit.ui.st_common import SESSION

    st.session_state[SESSION] = SignedIn("someone", Role(role), "Someone", time.time())
    patterns.render()


@pytest.fixture
def app_env(fixture_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: F811
    from qualkit.ui.st_common import get_store

    monkeypatch.setenv("QUALKIT_PROJECT", fixture_store.url)
    get_store.clear()  # the app opens one project per process; each test has its own
    yield fixture_store.url
    get_store.clear()


@pytest.mark.parametrize("role", ["reader", "researcher"])
def test_patterns_page_shows_a_matrix_charts_and_quotes(app_env: str, role: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, args=(role,), default_timeout=60).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Patterns"]
    table = at.table[0].value
    assert list(table.columns)[:3] == ["Theme", "Code", "Supported"]
    waiting = table[table["Code"] == "Waiting"].iloc[0]
    if role == "reader":
        # Readers always see small cells hidden: one participant per cell here.
        assert waiting["Worker"] == "<3"
        assert any("fewer than 3 people" in c.value for c in at.caption)
        assert [t.label for t in at.tabs] == ["Table", "Chart", "Codes together"]
    else:
        assert waiting["Worker"] == "1"  # participants are counted first
        assert [t.label for t in at.tabs][3] == "Framework summaries" and len(at.tabs) == 6


def test_researchers_write_framework_summaries_on_the_page(app_env: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, args=("researcher",), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="qk_pat_fc").value == "P1"
    at.selectbox(key="qk_pat_fk").set_value("access.wait").run()
    at.text_area(key="qk_pat_sum_t_P1_access.wait").input("Waited a long time.")
    next(b for b in at.button if b.label == "Save summary").click().run()
    assert not at.exception, at.exception
    assert any("Summary saved" in s.value for s in at.success)
    with Store.open(app_env) as store:
        history = store.framework_summary_history("P1", "access.wait")
    assert [(h.version, h.text, h.author) for h in history] == [
        (1, "Waited a long time.", "someone")
    ]
