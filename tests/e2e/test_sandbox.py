"""`python bot.py --sandbox` as a person runs it, with a script piped to standard input.

Each test starts the real process (no DISCORD_TOKEN, a temporary working
folder), feeds it the lines a person would type, and reads the transcript:
what the person would see, and the exit code a script gets.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 30


def sandbox(
    tmp_path: Path, script: str, *args: str, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run the sandbox in ``tmp_path`` with ``script`` on standard input."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "COINHELP_"))
    }
    # Files the bot sends are saved under the temporary folder: keep them in the test's.
    env.update(TMPDIR=str(tmp_path), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, *python_flags, str(REPO / "bot.py"), "--sandbox", *args],
        input=script,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_a_script_walks_the_faq_and_a_goal_to_its_leaderboard(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/faq topic:refund",
            "/ask can u undo a rose",
            "as moderator",
            "/coinhelp config announce-channel:#announcements",
            "/goal create name:Birthday LIVE target:1000",
            "as alice",
            "/goal contribute goal:Birthday LIVE coins:300",
            "/goal leaderboard",
        ]
    )
    run = sandbox(tmp_path, script + "\n")
    out = run.stdout
    assert run.returncode == 0, run.stderr
    # Each line is echoed after the prompt, then the answer as Discord would show it.
    assert "alice@#general> /faq topic:refund\ncoinhelp:\n  │ Can I get a refund" in out
    assert "faq: refund" in out
    assert "alice@#general> /ask can u undo a rose\ncoinhelp:\n  │ Can I get back a gift" in out
    assert "faq: gift-returns" in out
    assert "coinhelp (only you can see this):\n  │ Settings saved" in out
    assert "Announcements: #announcements" in out
    assert "moderator@#general> /goal create name:Birthday LIVE target:1000" in out
    assert "New goal: Birthday LIVE" in out
    # The pledge's answer, then the milestone it caused, in the channel it was posted to.
    pledge = out.index("@alice pledged 300 coins to Birthday LIVE")
    milestone = out.index("[#announcements] coinhelp:\n  │ 25% reached!")
    leaderboard = out.index("alice@#general> /goal leaderboard")
    assert pledge < milestone < leaderboard
    assert "1. @alice · 300 coins ← you" in out[leaderboard:]
    # Markdown and mentions are rendered, not shown raw.
    assert "**" not in out and "<@" not in out
    # The bot's and discord.py's INFO logging stays out of the terminal.
    assert run.stderr == ""


def test_a_mistyped_command_stops_the_script_with_a_clear_message(tmp_path: Path) -> None:
    run = sandbox(tmp_path, "/faq topic:refund\n/fqa topic:refund\n/faq topic:coins\n")
    assert run.returncode != 0
    assert "error: unknown command /fqa (did you mean /faq?)" in run.stderr
    assert "alice@#general> /fqa topic:refund" in run.stdout
    assert "faq: refund" in run.stdout
    assert "faq: coins" not in run.stdout  # nothing after the first error runs
    assert "Traceback" not in run.stderr


def test_wrong_options_are_refused_as_discords_client_would(tmp_path: Path) -> None:
    for line, message in [
        ("/goal contribute goal:Birthday", "missing required option coins"),
        ("/goal contribute goal:Birthday coins:lots", "coins must be a whole number"),
        ("/faqadmin export", "/faqadmin export is hidden from alice"),
    ]:
        run = sandbox(tmp_path, line + "\n")
        assert run.returncode != 0, line
        assert message in run.stderr, run.stderr


def test_buttons_forms_and_files(tmp_path: Path) -> None:
    script = "\n".join(
        [
            # pager buttons, pressed by number: 11 goals make two pages
            "as moderator",
            *[f"/goal create name:Goal {n:02d} target:100" for n in range(11)],
            "/goal list",
            "press 3",
            # a form, one line per field: Enter keeps a value, - empties it
            "/faqadmin set key:refund",
            "Refunds, in short",
            "-",
            "No refunds after 14 days.\\nAsk support in the app.",
            "/faq topic:refund",
            "/faqadmin export",
        ]
    )
    run = sandbox(tmp_path, script + "\n")
    out = run.stdout
    assert run.returncode == 0, run.stderr
    listed = out[out.index("moderator@#general> /goal list") : out.index("press 3")]
    assert "Open goals (1/2)" in listed and "[3] ▶" in listed and "Goal 00" not in listed
    pressed = out[out.index("press 3") : out.index("/faqadmin set")]
    assert "Open goals (2/2)" in pressed and "Goal 00" in pressed
    assert "coinhelp opened a form: FAQ: refund" in out
    assert "  Title [Can I get a refund for TikTok coins?]> Refunds, in short" in out
    assert "  Aliases (comma-separated)> -" in out
    shown = out[out.index("moderator@#general> /faq topic:refund") :]
    assert (
        "│ Refunds, in short\n  │ No refunds after 14 days.\n  │ Ask support in the app." in shown
    )
    # The exported file is saved, its path printed, and (small text) shown inline.
    assert "📎 coinhelp-faq.yaml" in out
    saved = next(tmp_path.glob("coinhelp-sandbox-files-*/coinhelp-faq.yaml"))
    assert f"saved to {saved}" in out
    assert "title: Refunds, in short" in saved.read_text()
    assert "  │       title: Refunds, in short" in out

    # The saved file goes back in through an attachment option, by its path.
    run = sandbox(tmp_path, f"as moderator\n/faqadmin import file:{saved}\n")
    assert run.returncode == 0, run.stderr
    assert "Imported the file" in run.stdout


def test_a_kept_database_shows_the_same_server_next_time(tmp_path: Path) -> None:
    first = sandbox(
        tmp_path, "as moderator\n/goal create name:Party target:500\n", "--db", "demo.db"
    )
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "demo.db").exists()
    again = sandbox(tmp_path, "/goal list\n", "--db", "demo.db")
    assert again.returncode == 0, again.stderr
    assert "Party · #1" in again.stdout


def test_every_module_is_loaded_once(tmp_path: Path) -> None:
    """bot.py is only the entry point: nothing imports it again as `bot`, so there
    is one bot class, one command tree, one of everything."""
    shown = sandbox(tmp_path, "/coinhelp about\n", python_flags=("-X", "importtime"))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in shown.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    ours = [name for name in modules if name.split(".")[0] in {"bot", "coinhelp_discord", "cogs"}]
    assert "coinhelp_discord.bot" in ours and "cogs.common" in ours
    assert "bot" not in ours
    assert len(ours) == len(set(ours))


def sandbox_folders(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob("coinhelp-sandbox-*"))


def test_a_required_form_field_left_empty_is_named_by_its_label(tmp_path: Path) -> None:
    run = sandbox(tmp_path, "as moderator\n/faqadmin set key:brand-new\n\n")
    assert run.returncode == 1
    assert "Title is required; the form was not sent" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unknown_option_is_named_instead_of_a_missing_one(tmp_path: Path) -> None:
    run = sandbox(tmp_path, "/goal contribute goal:Birthday amount:5\n")
    assert run.returncode == 1
    assert "/goal contribute has no option amount (options: goal, coins)" in run.stderr


def start_sandbox(tmp_path: Path) -> subprocess.Popen[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "COINHELP_"))
    }
    env.update(TMPDIR=str(tmp_path), NO_COLOR="1")
    return subprocess.Popen(
        [sys.executable, str(REPO / "bot.py"), "--sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
        text=True,
    )


def test_piped_into_head_it_ends_quietly_and_cleans_up(tmp_path: Path) -> None:
    process = start_sandbox(tmp_path)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("/faq topic:refund\n/faq topic:coins\n/goal list\n")
    process.stdin.flush()
    assert process.stdout.readline().startswith("alice@#general> /faq topic:refund")
    process.stdout.close()  # what `head -1` does once it has its line
    process.stdin.close()
    try:
        process.wait(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.stderr is not None
    stderr = process.stderr.read()
    process.stderr.close()
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert process.returncode == 0, stderr
    assert sandbox_folders(tmp_path) == []


def test_a_closed_terminal_leaves_no_temporary_folder(tmp_path: Path) -> None:
    process = start_sandbox(tmp_path)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("/goal list\n")
    process.stdin.flush()
    assert process.stdout.readline().startswith("alice@#general> /goal list")
    assert len(sandbox_folders(tmp_path)) == 1
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert sandbox_folders(tmp_path) == []
