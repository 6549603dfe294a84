"""The terminal: lines in without blocking the event loop, text out, Tab completion.

Reading a line blocks, so each read runs in a daemon thread and hands the
line back to the event loop; the bot, the stand-in and announcements keep
running meanwhile. (A daemon thread, not the loop's default executor: at exit
the executor would wait for a read that only ends when the person presses
Enter.)

Interactive (standard input is a terminal): ``input()`` with the prompt, with
``readline`` line editing, history and Tab completion when available.
Scripted (input piped): lines are read as they come and echoed after the
prompt, so the output is a transcript. Colours only when standard output is a
terminal and ``NO_COLOR`` is not set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any, TextIO

from sandbox.show import Look, error_line

Completion = tuple[str, str]
"""``(the whole line after completing, what to show in the list of matches)``."""

Completer = Callable[[str], list[Completion]]


def _import_readline() -> ModuleType | None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline
        return None
    return readline


class Console:
    """Standard input and output for the sandbox."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty()
        colour = self.stdout.isatty() and not os.environ.get("NO_COLOR")
        colour = colour and os.environ.get("TERM") != "dumb"
        width = shutil.get_terminal_size((80, 24)).columns if colour else 80
        self.look = Look(color=colour, width=max(40, min(width, 110)))
        self.readline = _import_readline() if self.interactive else None
        self._prompt = ""
        self._typed = ""
        self.output_closed = False
        self._reading = False
        self._completing = False
        self._completer: Completer | None = None
        self._matches: list[Completion] = []
        self._terminal_state: Any = None
        if self.interactive:
            with contextlib.suppress(ImportError, OSError):
                import termios

                self._terminal_state = termios.tcgetattr(self.stdin.fileno())

    # -- reading -----------------------------------------------------------------------

    async def read(self, prompt: str, *, complete: bool = True) -> str | None:
        """The next line (without its newline), or None at the end of input."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()

        def deliver(line: str | None) -> None:
            if not future.done():
                future.set_result(line)

        def work() -> None:
            try:
                line = self._read_line(prompt)
            except (EOFError, OSError, ValueError):
                line = None
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(deliver, line)

        self._prompt = prompt
        self._completing = complete
        self._reading = True
        threading.Thread(target=work, name="sandbox-input", daemon=True).start()
        try:
            return await future
        finally:
            self._reading = False

    def echo(self, prompt: str, line: str) -> None:
        """Scripted: show the line read after its prompt, as a terminal would have."""
        if not self.interactive:
            self.write([prompt + line])

    def _read_line(self, prompt: str) -> str | None:
        if self.interactive:
            return input(prompt)
        line = self.stdin.readline()
        if not line:
            return None
        return line.rstrip("\r\n")

    # -- writing -----------------------------------------------------------------------

    def write(self, lines: Iterable[str]) -> None:
        if self.output_closed:
            return
        try:
            for line in lines:
                self.stdout.write(line + "\n")
            self.stdout.flush()
        except OSError:  # a closed pipe (`| head`) or a terminal that went away
            self._lose_output()

    def _lose_output(self) -> None:
        """Whoever read standard output is gone: stop writing, and point the file
        at /dev/null so that Python's flush at exit does not fail on it again."""
        self.output_closed = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
            os.close(devnull)

    def notice(self, lines: list[str]) -> None:
        """Show ``lines`` now, even while the person is typing at the prompt."""
        if not (self._reading and self.interactive):
            self.write(lines)
            return
        typed = self.readline.get_line_buffer() if self.readline else ""
        self.write(["\r\x1b[2K" + lines[0], *lines[1:]] if lines else [])
        self.write_partial(self._prompt + typed)

    def write_partial(self, text: str) -> None:
        """``text`` without a newline (a prompt the person goes on typing after)."""
        if self.output_closed:
            return
        try:
            self.stdout.write(text)
            self.stdout.flush()
        except OSError:
            self._lose_output()

    def error(self, text: str) -> None:
        """An error, on standard error (after what was written so far)."""
        with contextlib.suppress(OSError):
            self.stdout.flush()
        look = Look(color=self.look.color)
        print(error_line(text, look), file=sys.stderr, flush=True)

    # -- Tab completion ----------------------------------------------------------------------

    def enable_completion(self, completer: Completer) -> bool:
        """Tab completes through ``completer`` (a terminal with readline only)."""
        readline = self.readline
        if readline is None:
            return False
        self._completer = completer
        # The whole line is the "word": values contain spaces, so completions replace it all.
        readline.set_completer_delims("")
        if "libedit" in (readline.__doc__ or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")
            readline.parse_and_bind("set show-all-if-ambiguous on")
        readline.set_completer(self._complete)
        if hasattr(readline, "set_completion_display_matches_hook"):
            readline.set_completion_display_matches_hook(self._show_matches)
        return True

    def _complete(self, text: str, state: int) -> str | None:
        """readline's completer: runs in the input thread.

        The bot's autocomplete matches loosely ("undo" → gift-returns), but readline
        replaces the typed text with what all matches have in common. So when several
        matches do not continue what was typed, they are listed and only the ones
        that do are offered.
        """
        if state == 0:
            self._typed = text
            found: list[Completion] = []
            if self._completing and self._completer is not None:
                try:
                    found = self._completer(text)
                except Exception:  # a completer must never break the prompt
                    found = []
            continuing = [match for match in found if match[0].startswith(text)]
            if len(found) > 1 and len(continuing) < len(found):
                self._list([label for _, label in found])
                found = continuing
            self._matches = found
        return self._matches[state][0] if state < len(self._matches) else None

    def _show_matches(self, substitution: str, matches: list[str], longest: int) -> None:
        """readline's display hook: list the labels, not the whole lines."""
        shown = dict(self._matches)
        self._list([shown.get(match, match) for match in matches])

    def _list(self, labels: list[str]) -> None:
        """Matches in columns under the prompt, then the prompt again as it was.

        "As it was" is the line when Tab was pressed, not readline's buffer: readline
        may already have put the matches' common start in its buffer but not yet on
        the screen; it then draws only that addition (`/fa` + `q`), and writing the
        whole buffer here would show it twice (`/faqq`).
        """
        width = max(len(label) for label in labels) + 2
        per_line = max(1, self.look.width // width)
        rows = [
            "".join(label.ljust(width) for label in labels[start : start + per_line]).rstrip()
            for start in range(0, len(labels), per_line)
        ]
        self.write(["", *rows])
        self.write_partial(self._prompt + self._typed)

    def close(self) -> None:
        """Give the terminal back as it was (a read may have been cut short)."""
        if self._terminal_state is None:
            return
        with contextlib.suppress(ImportError, OSError):
            import termios

            termios.tcsetattr(self.stdin.fileno(), termios.TCSADRAIN, self._terminal_state)
