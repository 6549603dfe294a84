"""Page buttons keep their list's state in the custom id: what goes in must come back out."""

from __future__ import annotations

import re

import pytest

from cogs.faq import history_state, read_history_state
from cogs.views import PageButton, Pager, state_fields
from coinhelp.errors import InvalidInput


async def _no_pages(*_: object) -> tuple[object, int]:
    raise AssertionError("not loaded")


def test_a_button_custom_id_parses_back_to_the_same_page_and_state() -> None:
    button = PageButton("board", 123456789012345678, 7, "42.1", "▶", False)
    custom_id = button.item.custom_id
    assert custom_id is not None and len(custom_id) <= 100
    match = re.fullmatch(PageButton.__discord_ui_compiled_template__, custom_id)
    assert match is not None
    assert (match["kind"], match["owner"], match["page"], match["state"]) == (
        "board",
        "123456789012345678",
        "7",
        "42.1",
    )


def test_the_longest_faq_key_with_its_language_fits_in_a_custom_id() -> None:
    state = history_state("pt-BR", "k" * 50)
    button = PageButton("faqedits", 2**64 - 1, 999_999, state, "▶", False)
    assert len(button.item.custom_id or "") <= 100
    assert read_history_state(state) == ("pt-BR", "k" * 50)


@pytest.mark.parametrize("state", ["k" * 52, "a:b"])
def test_a_state_that_cannot_round_trip_is_refused_when_the_button_is_made(state: str) -> None:
    with pytest.raises(ValueError):
        PageButton("board", 1, 0, state, "▶", False)


@pytest.mark.parametrize("state", ["", "1", "1.2.3", "x.1", "-1.0", "1.", "1.2 "])
def test_malformed_list_state_reads_as_out_of_date(state: str) -> None:
    with pytest.raises(InvalidInput, match=r"common\.out_of_date"):
        state_fields(state, 2)


def test_list_state_of_whole_numbers_is_read() -> None:
    assert state_fields("0.2", 2) == [0, 2]


@pytest.mark.parametrize("kind", ["", "Board", "toolongkind", "a-b"])
def test_pager_kinds_are_short_lowercase_words(kind: str) -> None:
    with pytest.raises(ValueError):
        Pager(kind, _no_pages)
