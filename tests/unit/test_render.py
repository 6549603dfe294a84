import pytest

from coinhelp.render import Renderer, clip, defuse_mentions, escape_markdown, split_pages


def test_clip_marks_the_cut_visibly() -> None:
    assert clip("short", 10) == "short"
    cut = clip("a" * 50, 10)
    assert len(cut) == 10 and cut.endswith("…")


@pytest.mark.parametrize("limit", [50, 200, 4096])
def test_split_pages_keeps_every_word_and_respects_the_limit(limit: int) -> None:
    text = "\n\n".join(f"Paragraph {n}: " + "word " * (n * 7) for n in range(40))
    pages = split_pages(text, limit)
    assert all(len(page) <= limit for page in pages)
    assert " ".join(" ".join(pages).split()) == " ".join(text.split())


def test_markdown_and_mass_mentions_are_defused() -> None:
    assert escape_markdown("**bold** _x_") == "\\*\\*bold\\*\\* \\_x\\_"
    assert "@everyone" not in defuse_mentions("hi @everyone and @here")


def test_values_are_never_evaluated_as_templates(tmp_path) -> None:
    (tmp_path / "t.j2").write_text("{% block body %}{{ text }}{% endblock %}")
    renderer = Renderer(tmp_path)
    payload = "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} {{ ''.__class__ }}"
    assert renderer.parts("t.j2", text=payload)["body"] == payload
    assert renderer.text("t.j2", text=payload) == payload


def test_plural_counts_read_naturally() -> None:
    from coinhelp.render import plural

    assert plural(1, "row") == "1 row"
    assert plural(1200, "contributor") == "1,200 contributors"
    assert plural(0, "entry", "entries") == "0 entries"
