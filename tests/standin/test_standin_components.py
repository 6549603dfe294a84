"""Buttons, select menus, modals and autocomplete through the driver."""

from __future__ import annotations

import pytest
from standin_testbot import Scene

from standin import DriverError


async def test_button_clicks_update_the_message(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "counter")
    await handle.response()
    assert [b.label for b in handle.buttons] == ["+1", "Done"]
    click = await handle.click("+1")
    await click.response()
    assert click.kind == "update"
    assert handle.text == "count 1"  # the original message was updated in place
    again = await click.click("counter:add")  # by custom id, from the click's handle
    await again.response()
    assert handle.text == "count 2"
    done = await handle.click("Done")
    await done.response()
    assert handle.text == "final 2"
    assert all(b.disabled for b in handle.buttons)
    with pytest.raises(DriverError, match="disabled"):
        await handle.click("+1")
    with pytest.raises(DriverError, match="No button"):
        await handle.click("Missing")


async def test_click_by_another_member(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "counter")
    await handle.response()
    other = await handle.click("+1", member=scene.bob)
    await other.response()
    assert other.kind == "message" and other.ephemeral
    assert other.text == "not your counter"
    assert handle.text == "count 0"
    assert other.member is scene.bob


async def test_ephemeral_messages_are_only_clickable_by_their_invoker(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "secret")
    await handle.response()
    assert handle.ephemeral
    with pytest.raises(DriverError, match="cannot see the ephemeral message"):
        await handle.click("+1", member=scene.bob)
    mine = await handle.click("+1")
    await mine.response()
    assert handle.text == "count 1" and handle.ephemeral


async def test_select_menu(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "counter")
    await handle.response()
    assert [s.custom_id for s in handle.selects] == ["counter:colour"]
    picked = await handle.select("counter:colour", ["blue"])
    await picked.response()
    assert picked.text == "picked blue"
    with pytest.raises(DriverError, match="no option"):
        await handle.select("counter:colour", ["green"])


async def test_modal_opened_and_submitted(scene: Scene) -> None:
    handle = await scene.server.slash(scene.guild, scene.alice, "note")
    await handle.response()
    assert handle.kind == "modal"
    modal = handle.modal
    assert modal is not None and modal.title == "Edit note"
    heading, body = modal.fields
    assert (heading.custom_id, heading.label, heading.value, heading.max) == (
        "note:title",
        "Title",
        "Draft",
        45,
    )
    assert (body.wrapper, body.label, body.style, body.required) == (18, "Body", 2, True)
    with pytest.raises(DriverError, match="is required"):
        await handle.submit_modal({})
    submitted = await handle.submit_modal({"note:body": "Hello there"})
    await submitted.response()
    assert submitted.text == "saved Draft: Hello there"
    with pytest.raises(DriverError, match="already submitted"):
        await handle.submit_modal({"note:body": "again"})


async def test_autocomplete(scene: Scene) -> None:
    choices = await scene.server.autocomplete(
        scene.guild, scene.alice, "goal contribute", focused="goal", goal="b"
    )
    assert [c["name"] for c in choices] == ["Birthday LIVE", "Battle night"]
    with pytest.raises(DriverError, match="no autocomplete"):
        await scene.server.autocomplete(
            scene.guild, scene.alice, "goal contribute", focused="coins"
        )
