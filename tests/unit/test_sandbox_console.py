"""The sandbox's terminal: Tab listings redraw the line as it was; a closed pipe ends quietly."""

from __future__ import annotations

import io
import os
from pathlib import Path

from sandbox.console import Console


class FakeReadline:
    """What readline looks like to the console at the moment it lists matches: the
    common start of the matches is already in its buffer, not yet on the screen."""

    def __init__(self, buffer: str) -> None:
        self.buffer = buffer

    def get_line_buffer(self) -> str:
        return self.buffer


def test_a_listing_redraws_the_line_as_typed_and_readline_adds_the_rest() -> None:
    out = io.StringIO()
    console = Console(stdin=io.StringIO(), stdout=out)
    console._prompt = "alice@#general> "
    console._completer = lambda text: [("/faq ", "/faq"), ("/faqadmin ", "/faqadmin")]
    console._completing = True
    console.readline = FakeReadline("/faq")  # type: ignore[assignment]
    assert console._complete("/fa", 0) == "/faq "
    console._show_matches("/faq", ["/faq ", "/faqadmin "], 10)
    # readline then draws only "q" after what is on the screen: "/fa" + "q", not "/faqq".
    *_, listing, line = out.getvalue().split("\n")
    assert listing.split() == ["/faq", "/faqadmin"]
    assert line == "alice@#general> /fa"


class ClosedPipe(io.StringIO):
    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


def test_a_closed_pipe_stops_the_output_without_an_error(tmp_path: Path) -> None:
    target = tmp_path / "stdout"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        console = Console(stdin=io.StringIO(), stdout=ClosedPipe(fd))
        console.write(["first line"])
        assert console.output_closed
        console.write(["nothing more"])  # no error, nothing tried
        console.notice(["an announcement"])
        os.write(fd, b"after")  # the descriptor now goes to /dev/null
    finally:
        os.close(fd)
    assert target.read_bytes() == b""
