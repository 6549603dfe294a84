import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from coinhelp.errors import ConfigError, InvalidInput
from coinhelp.goals import rules
from coinhelp.goals.prices import default_price_table, load_price_table, parse_price_table
from coinhelp.render import Renderer

NOW = dt.datetime(2026, 5, 13, 12, 0, tzinfo=dt.UTC)
_renderer = Renderer()
_macros = _renderer.template("goals/_macros.j2").module


def refusal(check: Callable[..., object], *args: Any) -> str:
    """What the member reads when `check(*args)` refuses the value."""
    with pytest.raises(InvalidInput) as caught:
        check(*args)
    return _renderer.error(caught.value)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


# -- deadlines -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-24", utc(2026, 12, 24, 23, 59, 59)),  # a date alone: the end of that day
        ("2026-12-24 UTC", utc(2026, 12, 24, 23, 59, 59)),
        ("2026-12-24 20:00", utc(2026, 12, 24, 20, 0)),
        ("2026-12-24T20:00", utc(2026, 12, 24, 20, 0)),
        ("2026-12-24T20:00Z", utc(2026, 12, 24, 20, 0)),
        ("2026-12-24t20:00z", utc(2026, 12, 24, 20, 0)),
        ("2026-12-24 20:00 UTC", utc(2026, 12, 24, 20, 0)),
        ("2026-12-24 20:00:30", utc(2026, 12, 24, 20, 0, 30)),
        ("2026-12-24 20:00+02:00", utc(2026, 12, 24, 18, 0)),
        ("2026-12-24 20:00 -0130", utc(2026, 12, 24, 21, 30)),
        ("  2026-5-14  ", utc(2026, 5, 14, 23, 59, 59)),
        ("2026-05-13 12:01", utc(2026, 5, 13, 12, 1)),
    ],
)
def test_deadlines_that_parse(text: str, expected: dt.datetime) -> None:
    parsed = rules.parse_deadline(text, NOW)
    assert parsed == expected
    assert parsed.tzinfo == dt.UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "24/12/2026",
        "12-24-2026",
        "2026-12",
        "2026-12-24 8pm",
        "2026-12-24 20",
        "2026-12-24 20:00 CET",
        "2026-12-24 20:00" + " " * 40,
        "9" * 200,
    ],
)
def test_unreadable_deadlines_explain_the_formats(text: str) -> None:
    assert "2026-12-24 20:00" in refusal(rules.parse_deadline, text, NOW)


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026-02-30", "2026-12-24 25:00", "2026-12-24 20:61"]
)
def test_impossible_dates_are_refused(text: str) -> None:
    assert "not a real date" in refusal(rules.parse_deadline, text, NOW)


@pytest.mark.parametrize(
    "text", ["2026-05-12", "2026-05-13 12:00", "2020-01-01", "2026-05-13 11:59"]
)
def test_deadlines_in_the_past_are_refused(text: str) -> None:
    assert "in the past" in refusal(rules.parse_deadline, text, NOW)


def test_deadlines_more_than_two_years_ahead_are_refused() -> None:
    assert rules.parse_deadline("2028-05-12", NOW)
    assert "2 years" in refusal(rules.parse_deadline, "2028-05-15", NOW)


def test_a_naive_deadline_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        rules.validate_deadline(dt.datetime(2026, 12, 24), NOW)


# -- numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "at least 1"),
        (-5, "at least 1"),
        (1.5, "whole numbers"),
        (Decimal("2.5"), "whole numbers"),
        (Fraction(1, 3), "whole numbers"),
        (float("nan"), "whole numbers"),
        (float("inf"), "whole numbers"),
        (True, "whole numbers"),
        ("100", "whole numbers"),
        (None, "whole numbers"),
        (1_000_001, "at most 1,000,000"),
        (10**30, "at most 1,000,000"),
    ],
)
def test_bad_pledge_amounts(value: Any, message: str) -> None:
    assert message in refusal(rules.validate_coins, value)


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (1_000_000, 1_000_000), (5.0, 5)])
def test_good_pledge_amounts(value: Any, expected: int) -> None:
    coins = rules.validate_coins(value)
    assert coins == expected and type(coins) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "at least 1"),
        (-1, "at least 1"),
        (99.5, "whole numbers"),
        (10_000_000_001, "at most 10,000,000,000"),
        (2**64, "at most 10,000,000,000"),
    ],
)
def test_bad_targets(value: Any, message: str) -> None:
    assert message in refusal(rules.validate_target, value)


def test_target_limits_are_inclusive() -> None:
    assert rules.validate_target(1) == 1
    assert rules.validate_target(10_000_000_000) == 10_000_000_000


# -- text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Give the goal a name"),
        ("   ", "Give the goal a name"),
        ("\u200b", "Give the goal a name"),
        ("**", "letter, digit or emoji"),
        ("__ ~~ ``", "letter, digit or emoji"),
        ("> - #", "letter, digit or emoji"),
        ("12", "just a number"),
        ("#12", "just a number"),
        ("# 12", "just a number"),
        ("Birthday\nLIVE", "one line"),
        ("Birthday\x00LIVE", "control characters"),
        ("evil\u202egnp.exe", "control characters"),
        ("x" * 101, "at most 100"),
    ],
)
def test_bad_goal_names(text: str, message: str) -> None:
    assert message in refusal(rules.validate_goal_name, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Birthday   LIVE  ", "Birthday LIVE"),
        ("🎂", "🎂"),
        ("x" * 100, "x" * 100),
        ("Goal 2026", "Goal 2026"),
        ("@everyone party", "@everyone party"),  # the renderer defuses mentions
    ],
)
def test_good_goal_names(text: str, expected: str) -> None:
    assert rules.validate_goal_name(text) == expected


def test_name_keys_ignore_case_width_and_spacing() -> None:
    assert rules.goal_name_key("Birthday  LIVE") == rules.goal_name_key("birthday live")
    assert rules.goal_name_key("STRASSE") == rules.goal_name_key("straße")
    assert rules.goal_name_key("ＬＩＶＥ") == rules.goal_name_key("live")


def test_creator_description_and_reason_limits() -> None:
    assert rules.validate_creator("  @maya  ") == "@maya"
    assert rules.validate_creator("   ") is None
    assert rules.validate_description("two\r\nlines") == "two\nlines"
    assert rules.validate_description("") is None
    assert "at most 100" in refusal(rules.validate_creator, "c" * 101)
    assert "one line" in refusal(rules.validate_creator, "a\nb")
    assert "at most 1,000" in refusal(rules.validate_description, "d" * 1001)
    assert "at most 200" in refusal(rules.validate_reason, "r" * 201)
    assert "Say why" in refusal(rules.validate_reason, "  ...  ")


# -- periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "month", "week"),
    [
        (utc(2026, 5, 13), "2026-05", "2026-W20"),
        (utc(2026, 1, 1), "2026-01", "2026-W01"),
        (utc(2027, 1, 1), "2027-01", "2026-W53"),  # ISO year differs from the calendar's
        (utc(2024, 12, 30), "2024-12", "2025-W01"),
        (
            dt.datetime(2026, 6, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=3))),
            "2026-05",
            "2026-W22",
        ),
    ],
)
def test_period_keys_are_utc_month_and_iso_week(when: dt.datetime, month: str, week: str) -> None:
    assert rules.month_key(when) == month
    assert rules.week_key(when) == week


# -- progress --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "target", "crossed"),
    [
        (0, 24, 100, ()),
        (0, 25, 100, (25,)),
        (24, 25, 100, (25,)),
        (25, 49, 100, ()),
        (10, 80, 100, (25, 50, 75)),
        (0, 1000, 100, (25, 50, 75, 100)),
        (99, 100, 100, (100,)),
        (100, 150, 100, ()),
        (0, 1, 3, (25,)),  # 25 % of 3 coins is 0.75: crossed at 1, 50 % is not
        (0, 1, 1, (25, 50, 75, 100)),
        (50, 40, 100, ()),  # a void never crosses anything
        (0, 2_499_999_999, 10_000_000_000, ()),
        (0, 2_500_000_000, 10_000_000_000, (25,)),
    ],
)
def test_milestones_crossed(before: int, after: int, target: int, crossed: tuple[int, ...]) -> None:
    assert rules.milestones_crossed(before, after, target) == crossed


def test_percent_rounds_down_and_can_pass_100() -> None:
    assert rules.percent(0, 100) == 0
    assert rules.percent(999, 1000) == 99
    assert rules.percent(1000, 1000) == 100
    assert rules.percent(2500, 1000) == 250


@pytest.mark.parametrize(
    ("total", "target", "bar"),
    [
        (0, 100, "▱▱▱▱▱▱▱▱▱▱ 0%"),
        (50, 100, "▰▰▰▰▰▱▱▱▱▱ 50%"),
        (99, 100, "▰▰▰▰▰▰▰▰▰▱ 99%"),
        (100, 100, "▰▰▰▰▰▰▰▰▰▰ 100%"),
        (300, 100, "▰▰▰▰▰▰▰▰▰▰ 300%"),
    ],
)
def test_progress_bar(total: int, target: int, bar: str) -> None:
    assert rules.progress_bar(total, target, width=10) == bar


def test_progress_bar_default_width() -> None:
    assert rules.progress_bar(44_999, 44_999).startswith("▰" * 20 + " ")


# -- prices ------------------------------------------------------------------------------


def test_the_shipped_price_table_has_the_us_examples() -> None:
    table = default_price_table()
    assert table.currency == "USD"
    packages = {package.coins: package.price for package in table.packages}
    assert packages[65] == Decimal("0.99")
    assert packages[6607] == Decimal("99.99")


@pytest.mark.parametrize(
    ("coins", "text"),
    [
        (65, "about $0.98–$0.99"),
        (6607, "about $99.99–$100.63"),
        (44_999, "about $681–$686"),
        (1_000_000, "about $15,133–$15,231"),
        (0, "about $0.00"),
    ],
)
def test_dollar_estimate_is_a_range(coins: int, text: str) -> None:
    assert _macros.estimate(rules.dollar_range(coins)) == text


def test_estimate_low_and_high_come_from_best_and_smallest_rates() -> None:
    estimate = rules.usd_estimate(6607)
    assert estimate.low == Decimal("99.99")
    assert estimate.high == (6607 * Decimal("0.99") / 65).quantize(Decimal("0.01"), "ROUND_CEILING")


def test_the_estimate_note_says_it_is_an_estimate_and_prices_vary() -> None:
    note = _macros.estimate_note(rules.price_table())
    assert "Estimate" in note and "vary by region" in note and "$0.99" in note


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "mapping"),
        ({"region": "US", "currency": "USD", "source": "x"}, "packages"),
        ({"region": "", "currency": "USD", "source": "x", "packages": []}, "region"),
        (
            {"region": "US", "currency": "USD", "source": "x", "packages": [{"coins": 5}]},
            "exactly",
        ),
        (
            {
                "region": "US",
                "currency": "USD",
                "source": "x",
                "packages": [{"coins": 0, "price": "1"}],
            },
            "positive whole",
        ),
        (
            {
                "region": "US",
                "currency": "USD",
                "source": "x",
                "packages": [{"coins": 5, "price": 0.99}],
            },
            "quoted string",
        ),
        (
            {
                "region": "US",
                "currency": "USD",
                "source": "x",
                "packages": [{"coins": 5, "price": "cheap"}],
            },
            "not a price",
        ),
        (
            {
                "region": "US",
                "currency": "USD",
                "source": "x",
                "packages": [{"coins": 5, "price": "-1"}],
            },
            "positive",
        ),
        (
            {
                "region": "US",
                "currency": "USD",
                "source": "x",
                "packages": [{"coins": 5, "price": "1"}, {"coins": 5, "price": "2"}],
            },
            "same number",
        ),
    ],
)
def test_bad_price_tables_stop_the_bot(raw: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_price_table(raw)


def test_an_unreadable_price_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("packages: [unclosed")
    with pytest.raises(ConfigError, match="cannot read"):
        load_price_table(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_price_table(tmp_path / "missing.yaml")
