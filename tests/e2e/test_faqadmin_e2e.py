"""/faqadmin as moderators use it, through the Discord stand-in."""

from __future__ import annotations

import yaml
from world import Server

from standin import Attachment

INJECTION = "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} {{ ''.__class__.__mro__ }}"


async def edit(server: Server, key: str, **values: str):
    """Open /faqadmin set as the moderator and submit the modal with `values`."""
    opened = await server.run(server.mod, "faqadmin set", key=key)
    assert opened.kind == "modal"
    fields = {f"coinhelp:faq:{name}": value for name, value in values.items()}
    return opened, await (await opened.submit_modal(fields)).response()


async def test_set_opens_a_prefilled_modal_and_the_edit_shows_at_once(server: Server) -> None:
    before = await server.run(server.alice, "faq", topic="refund")
    assert before.embeds[0]["description"] != "Ask the moderators first."
    opened, saved = await edit(server, "refund", body="Ask the moderators first.")
    curated = server.bot.faq._curated["refund"]
    assert opened.modal.field("coinhelp:faq:title").value == curated.title
    assert opened.modal.field("coinhelp:faq:body").value == curated.body
    assert saved.ephemeral and "version 1" in saved.content

    shown = await server.run(server.alice, "faq", topic="refund")
    assert shown.embeds[0]["description"] == "Ask the moderators first."
    assert shown.embeds[0]["footer"]["text"].startswith("faq: refund · edited ")


async def test_a_new_custom_entry_is_found_by_faq_ask_and_autocomplete(server: Server) -> None:
    await edit(
        server,
        "server-rules",
        title="Server rules for gifting",
        aliases="rules, gifting rules",
        body="Be kind; never pressure anyone to gift.",
    )
    assert (await server.run(server.alice, "faq", topic="gifting rules")).embeds
    choices = await server.standin.autocomplete(
        server.guild, server.alice, "faq", focused="topic", topic="server"
    )
    assert choices[0]["value"] == "server-rules"


async def test_template_syntax_and_mass_mentions_are_shown_as_text_and_ping_nobody(
    server: Server,
) -> None:
    body = f"{INJECTION} @everyone @here <@&{server.helper_role.id}>"
    await edit(server, "coins", body=body)
    shown = await server.run(server.alice, "faq", topic="coins")
    description = shown.embeds[0]["description"]
    # Shown exactly as typed: not rendered (no 49, no loop output, no class dump).
    assert description.startswith(INJECTION + " @")
    assert not shown.message.pings.any_mass_ping


async def test_members_and_non_moderators_are_refused_every_faqadmin_command(
    server: Server,
) -> None:
    for command, options in [
        ("faqadmin set", {"key": "refund"}),
        ("faqadmin remove", {"key": "refund"}),
        ("faqadmin reset", {"key": "refund"}),
        ("faqadmin history", {"key": "refund"}),
        ("faqadmin revert", {"key": "refund", "version": 1}),
        ("faqadmin export", {}),
    ]:
        handle = await server.run(server.alice, command, check_permissions=False, **options)
        assert handle.ephemeral and "Only moderators" in handle.content, command
    assert await server.bot.faq.history(server.guild.id, "refund") == []


async def test_the_configured_moderator_role_may_edit(server: Server) -> None:
    refused = await server.run(server.helper, "faqadmin export", check_permissions=False)
    assert "Only moderators" in refused.content
    await server.run(server.mod, "coinhelp config", moderator_role=server.helper_role)
    allowed = await server.run(server.helper, "faqadmin export", check_permissions=False)
    assert allowed.attachments


async def test_remove_history_revert_and_reset(server: Server) -> None:
    await edit(server, "scams", body="Our own scam warning.")
    removed = await server.run(server.mod, "faqadmin remove", key="scams")
    assert "Removed `scams`" in removed.content
    gone = await server.run(server.alice, "faq", topic="scams")
    assert gone.ephemeral and "couldn't find" in gone.content

    reverted = await server.run(server.mod, "faqadmin revert", key="scams", version=1)
    assert "version 3" in reverted.content
    shown = await server.run(server.alice, "faq", topic="scams")
    assert shown.embeds[0]["description"] == "Our own scam warning."

    history = await server.run(server.mod, "faqadmin history", key="scams")
    assert history.ephemeral
    text = history.text
    assert all(f"**v{n}**" in text for n in (1, 2, 3)) and f"<@{server.mod.id}>" in text
    assert "revert" in text and "remove" in text

    await server.run(server.mod, "faqadmin reset", key="scams")
    shown = await server.run(server.alice, "faq", topic="scams")
    assert shown.embeds[0]["footer"]["text"].startswith("faq: scams · checked")


async def test_unknown_keys_and_versions_get_clear_private_errors(server: Server) -> None:
    for command, options, expected in [
        ("faqadmin remove", {"key": "no-such-entry"}, "no-such-entry"),
        ("faqadmin revert", {"key": "refund", "version": 7}, "no saved versions"),
        ("faqadmin reset", {"key": "refund"}, "refund"),
    ]:
        handle = await server.run(server.mod, command, **options)
        assert handle.ephemeral and expected in handle.content, (command, handle.content)


async def test_export_then_import_into_another_server(server: Server) -> None:
    await edit(server, "refund", body="Our refund notes.")
    await server.run(server.mod, "faqadmin remove", key="scams")
    exported = await server.run(server.mod, "faqadmin export")
    filename, data = exported.attachments[0]
    assert filename.endswith(".yaml")
    assert yaml.safe_load(data)["hidden"] == {"en": ["scams"]}

    other = server.standin.add_guild("Other fans")
    other_mod = other.add_member("othermod", permissions=1 << 5)
    await server.standin.wait_for(
        lambda: server.bot.get_guild(other.id) is not None, 10, "the second server"
    )
    before = await server.standin.slash(other, other_mod, "faq", topic="refund")
    assert "Our refund notes." not in (await before.response()).text  # isolation

    imported = await server.standin.slash(
        other, other_mod, "faqadmin import", file=Attachment("faq.yaml", data)
    )
    await imported.response()
    answer = await imported.wait_edit()
    assert "1 changed" in answer.content and "1 hidden" in answer.content
    after = await (await server.standin.slash(other, other_mod, "faq", topic="refund")).response()
    assert after.embeds[0]["description"] == "Our refund notes."


async def test_a_bad_import_is_refused_whole_with_the_line_and_nothing_changes(
    server: Server,
) -> None:
    bad = (
        b"entries:\n"
        b"  refund:\n"
        b"    title: Fine\n"
        b"    aliases: []\n"
        b"    body: A good entry that must not be applied alone.\n"
        b"  Bad Key:\n"
        b"    title: Broken\n"
        b"    aliases: []\n"
        b"    body: x\n"
    )
    handle = await server.run(server.mod, "faqadmin import", file=Attachment("faq.yaml", bad))
    assert handle.ephemeral
    assert "line" in handle.content and "Bad Key" in handle.content
    assert await server.bot.faq.history(server.guild.id, "refund") == []

    garbage = await server.run(
        server.mod, "faqadmin import", file=Attachment("faq.yaml", b"\xff\xfe\x00binary")
    )
    assert garbage.ephemeral and "UTF-8" in garbage.content


async def test_an_import_file_over_one_megabyte_is_refused_before_reading(server: Server) -> None:
    big = b"entries: {}\n" + b"#" * 1_000_000
    handle = await server.run(server.mod, "faqadmin import", file=Attachment("faq.yaml", big))
    assert handle.ephemeral and "up to 1 MB" in handle.content
    assert await server.bot.faq.history(server.guild.id, "refund") == []


async def test_history_pages_turn_for_the_moderator_who_opened_them(server: Server) -> None:
    for n in range(9):  # a page holds eight versions
        await server.bot.faq.set(
            server.guild.id,
            "refund",
            title="Refunds",
            aliases=[],
            body=f"Refund answer, take {n + 1}.",
            editor_id=server.mod.id,
        )
    history = await server.run(server.mod, "faqadmin history", key="Refund ")
    assert history.ephemeral and "History of refund (1/2)" in history.text
    assert "**v9**" in history.text and "**v1**" not in history.text

    older = await (await history.click("▶")).response()
    assert "History of refund (2/2)" in older.message.text
    assert "**v1**" in older.message.text and "**v9**" not in older.message.text
