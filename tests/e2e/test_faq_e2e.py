"""/faq and /ask as members use them, through the Discord stand-in."""

from __future__ import annotations

from world import Server


async def test_faq_shows_the_entry_publicly_with_key_and_date_in_the_footer(server: Server) -> None:
    handle = await server.run(server.alice, "faq", topic="refund")
    assert not handle.ephemeral
    embed = handle.embeds[0]
    assert "14" in embed["description"]  # the cancellation window
    assert embed["footer"]["text"] == "faq: refund · checked 2026-11-20"


async def test_faq_finds_an_entry_by_its_alias_or_title(server: Server) -> None:
    entry = server.bot.faq._curated["gift-returns"]
    for name in (entry.aliases[0], entry.title.upper()):
        handle = await server.run(server.alice, "faq", topic=name)
        assert handle.embeds[0]["footer"]["text"].startswith("faq: gift-returns")


async def test_an_unknown_topic_is_private_and_suggests_close_entries(server: Server) -> None:
    handle = await server.run(server.alice, "faq", topic="refnd coins")
    assert handle.ephemeral
    assert "couldn't find" in handle.content
    assert "`refund`" in handle.content


async def test_topic_autocomplete_puts_prefix_matches_first(server: Server) -> None:
    choices = await server.standin.autocomplete(
        server.guild, server.alice, "faq", focused="topic", topic="ref"
    )
    assert choices and choices[0]["value"] == "refund"
    everything = await server.standin.autocomplete(
        server.guild, server.alice, "faq", focused="topic", topic=""
    )
    assert len(everything) == 16


async def test_ask_answers_a_question_typed_with_typos_and_slang(server: Server) -> None:
    handle = await server.run(
        server.alice, "ask", question="how do i get my money bak for coins i didnt use"
    )
    assert not handle.ephemeral
    assert handle.embeds[0]["footer"]["text"].startswith("faq: refund")


async def test_ask_says_no_answer_privately_and_names_the_moderators(server: Server) -> None:
    await server.run(server.mod, "coinhelp config", moderator_role=server.helper_role)
    handle = await server.run(server.alice, "ask", question="anyone up for valorant tonight")
    assert handle.ephemeral
    assert "don't have an answer" in handle.content
    assert f"<@&{server.helper_role.id}>" in handle.content
    assert not handle.message.pings.any_mass_ping


async def test_did_you_mean_buttons_show_the_chosen_entry(
    server: Server,
) -> None:
    question = "coins"
    matcher = await server.bot.faq.matcher(server.guild.id)
    # Find a question the matcher is unsure about, from the entries' own titles.
    for entry in (await server.bot.faq.entries(server.guild.id)).values():
        for words in (entry.title, " ".join(entry.title.split()[:3])):
            if matcher.ask(words).kind == "unsure":
                question = words
                break
    result = matcher.ask(question)
    assert result.kind == "unsure", "no ambiguous question found in the curated titles"

    handle = await server.run(server.alice, "ask", question=question)
    assert handle.ephemeral
    assert 2 <= len(handle.buttons) <= 3
    choice = handle.buttons[1]

    shown = await (await handle.click(choice.custom_id)).response()
    footer = shown.message.embeds[0]["footer"]["text"]
    assert footer.startswith(f"faq: {result.candidates[1]} ")
    assert shown.message.buttons == []


async def test_a_did_you_mean_choice_removed_meanwhile_gets_a_clear_answer(
    server: Server,
) -> None:
    matcher = await server.bot.faq.matcher(server.guild.id)
    entries = await server.bot.faq.entries(server.guild.id)
    question = next(
        words
        for entry in entries.values()
        for words in (entry.title, " ".join(entry.title.split()[:3]))
        if matcher.ask(words).kind == "unsure"
    )
    handle = await server.run(server.alice, "ask", question=question)
    first = handle.buttons[0]
    key = matcher.ask(question).candidates[0]
    await server.bot.faq.remove(server.guild.id, key, editor_id=server.mod.id)
    gone = await (await handle.click(first.custom_id)).response()
    assert gone.ephemeral and "couldn't find" in gone.content
    assert "reference" not in gone.content
