"""Discord's limits and interaction rules: refused with Discord's errors and recorded."""

from __future__ import annotations

import pytest
from standin_testbot import Scene

from standin import InteractionFailed, Message, StoredFile, User, limits


async def test_content_over_2000_is_refused_and_recorded(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "toolong")
    await handle.response()
    assert handle.text == "refused 400 50035"
    assert len(scene.server.violations) == 1
    assert "content: Must be 2000 or fewer in length (got 2001)" in scene.server.violations[0]
    assert "/toolong" in scene.server.violations[0]
    scene.server.violations.clear()


async def test_26_autocomplete_choices_are_recorded(scene: Scene) -> None:
    scene.server.response_deadline = 0.3  # the bot cannot recover; do not wait 3 s for that
    with pytest.raises(InteractionFailed, match="Must be 25 or fewer"):
        await scene.server.autocomplete(scene.guild, scene.alice, "many", focused="topic")
    assert any("data.choices" in v for v in scene.server.violations)
    scene.server.violations.clear()


async def test_second_initial_response_is_recorded(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "twice")
    await handle.response()
    followup = await handle.wait_followup()
    assert handle.text == "one"
    assert followup.text == "second refused 40060"
    assert scene.server.violations == [
        "/twice: initial response: a second initial response (already answered: message)"
    ]
    scene.server.violations.clear()


async def test_late_initial_response_is_refused_and_recorded(scene: Scene) -> None:
    scene.server.response_deadline = 0.2
    handle = await scene.server.slash(scene.guild, scene.alice, "late")
    with pytest.raises(InteractionFailed, match="no valid initial response"):
        await handle.response()
    scene.bot.release.set()
    await scene.bot.late_refused.wait()
    assert len(scene.server.violations) == 1
    assert "Discord allows 0.2 s" in scene.server.violations[0]
    scene.server.violations.clear()


def test_embed_limits() -> None:
    embed = {
        "title": "t" * 257,
        "description": "d" * 4000,
        "fields": [{"name": "n", "value": "v" * 1025}] + [{"name": "", "value": "x"}] * 25,
        "footer": {"text": "f" * 2049},
        "author": {"name": "a" * 257},
    }
    problems = limits.check_message({"embeds": [embed]})
    where = {p.where for p in problems}
    assert {
        "embeds.0.title",
        "embeds.0.fields",
        "embeds.0.fields.0.value",
        "embeds.0.fields.1.name",
        "embeds.0.footer.text",
        "embeds.0.author.name",
        "embeds",
    } <= where
    assert any(p.code == "MAX_EMBED_SIZE_EXCEEDED" for p in problems)
    assert limits.check_message({"embeds": [{"title": "ok"}] * 11})[0].where == "embeds"
    errors = limits.form_errors(problems)
    assert errors["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


def test_component_limits() -> None:
    def button(custom_id: str, label: str = "b") -> dict[str, object]:
        return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}

    rows = [{"type": 1, "components": [button(f"{r}-{i}") for i in range(5)]} for r in range(6)]
    assert [p.where for p in limits.check_components(rows, ("components",))] == ["components"]
    crowded = [{"type": 1, "components": [button(str(i)) for i in range(6)]}]
    assert limits.check_components(crowded, ())[0].code == "BASE_TYPE_MAX_LENGTH"
    duplicate = [{"type": 1, "components": [button("same"), button("same")]}]
    assert limits.check_components(duplicate, ())[0].code == "COMPONENT_CUSTOM_ID_DUPLICATED"
    link = {"type": 2, "style": 5, "label": "site", "url": "https://example.org", "custom_id": "x"}
    assert limits.check_components([{"type": 1, "components": [link]}], ())
    long_label = [{"type": 1, "components": [button("id", "l" * 81)]}]
    assert limits.check_components(long_label, ())[0].where == "0.components.0.label"
    options = [{"label": str(i), "value": str(i)} for i in range(26)]
    select = {"type": 3, "custom_id": "s", "options": options}
    assert limits.check_components([{"type": 1, "components": [select]}], ())


def test_modal_and_choice_limits() -> None:
    text_input = {"type": 4, "custom_id": "a", "style": 1, "label": "l" * 46}
    modal = {
        "title": "t" * 46,
        "custom_id": "m",
        "components": [{"type": 1, "components": [text_input]}],
    }
    assert {p.where for p in limits.check_modal(modal)} == {
        "data.title",
        "data.components.0.components.0.label",
    }
    assert limits.check_modal({"title": "t", "custom_id": "m", "components": []})
    choices = {"choices": [{"name": "n", "value": "v" * 101}, {"name": "", "value": "v"}]}
    assert len(limits.check_choices(choices, 3)) == 2
    assert limits.check_choices({"choices": [{"name": "n", "value": "1"}]}, 4)


def test_command_limits() -> None:
    good = {"name": "goal", "description": "Goals", "options": []}
    assert limits.check_commands([good]) == []
    bad = {
        "name": "Goal",
        "description": "d" * 101,
        "options": [
            {"type": 3, "name": "opt", "description": "o"},
            {"type": 3, "name": "req", "description": "r", "required": True},
        ],
    }
    codes = {p.code for p in limits.check_command(bad)}
    assert codes == {
        "APPLICATION_COMMAND_INVALID_NAME",
        "BASE_TYPE_MAX_LENGTH",
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
    }
    many = {
        "name": "x",
        "description": "x",
        "options": [{"type": 3, "name": f"o{i}", "description": "o"} for i in range(26)],
    }
    assert limits.check_command(many)[0].where == "options"
    assert limits.check_commands([good, good])[0].code == "APPLICATION_COMMANDS_DUPLICATE_NAME"


def test_pings_follow_allowed_mentions() -> None:
    author = User(1, "bot", bot=True)
    message = Message(2, 3, 4, author, content="@everyone <@&55> <@66>")
    assert message.pings.everyone and message.pings.roles == (55,) and message.pings.users == (66,)
    message.allowed_mentions = {"parse": ["users"]}
    pings = message.pings
    assert not pings.everyone and pings.roles == () and pings.users == (66,)
    message.allowed_mentions = {"parse": [], "roles": ["55"]}
    assert message.pings.roles == (55,) and message.pings.any_mass_ping
    message.content = ""
    message.embeds = [{"description": "@everyone"}]  # mentions in embeds never ping
    assert not message.pings.any_mass_ping


def test_edits_keep_listed_attachments_and_refuse_empty_results() -> None:
    author = User(1, "bot", bot=True)
    kept = StoredFile(10, "a.txt", b"a", "text/plain", "http://x/a.txt")
    dropped = StoredFile(11, "b.txt", b"b", "text/plain", "http://x/b.txt")
    message = Message(2, 3, 4, author, content="hi", files=[kept, dropped])
    new = StoredFile(12, "c.txt", b"c", "text/plain", "http://x/c.txt")
    assert message.apply({"attachments": [{"id": "10"}, {"id": 0}]}, [new], edit=True)
    assert message.attachments == [("a.txt", b"a"), ("c.txt", b"c")]
    assert message.edits == 1
    assert not message.apply({"content": "", "attachments": []}, [], edit=True)
    assert message.content == "hi" and message.edits == 1
