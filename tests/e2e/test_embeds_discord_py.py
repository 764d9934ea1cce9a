"""A stock discord.py bot and embeds: discord.Embed with every field goes up and comes back as the same Embed, the
library's suppress flag hides them, and a link preview's MESSAGE_UPDATE is parsed into on_message_edit with no
library error (discord.py 2.x builds a whole Message from every MESSAGE_UPDATE)."""
import datetime

import discord
import pytest

from discord_py_harness import World
from link_site import Site


def full_embed():
    e = discord.Embed(title="Judged é", description="all of it", url="https://example.com/j", colour=0x00FF88,
                      timestamp=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
    e.set_footer(text="foot", icon_url="https://example.com/f.png")
    e.set_image(url="https://example.com/i.png")
    e.set_thumbnail(url="https://example.com/t.png")
    e.set_author(name="Ann", url="https://example.com/ann", icon_url="https://example.com/a.png")
    e.add_field(name="a", value="1", inline=True)
    e.add_field(name="b", value="2", inline=False)
    return e


def same(a, b):
    assert (a.title, a.description, a.url, a.colour, a.timestamp) == (b.title, b.description, b.url, b.colour,
                                                                       b.timestamp)
    assert (a.footer.text, a.footer.icon_url) == (b.footer.text, b.footer.icon_url)
    assert a.image.url == b.image.url and a.thumbnail.url == b.thumbnail.url
    assert (a.author.name, a.author.url, a.author.icon_url) == (b.author.name, b.author.url, b.author.icon_url)
    assert [(f.name, f.value, f.inline) for f in a.fields] == [(f.name, f.value, f.inline) for f in b.fields]


def run(world, fn, timeout=60):
    world.ensure_running()
    before = len(world.runner.problems())
    out = world.call(fn, timeout=timeout)
    problems = world.runner.problems()[before:]
    assert not problems, "discord.py reported errors:\n" + "\n".join(problems)
    return out


def test_a_discord_py_embed_round_trips_and_is_suppressed(server):
    world = World(server)
    try:
        sent_embed = full_embed()

        async def go():
            channel = world.dpy_guild().get_channel(int(world.general["id"]))
            sent = await channel.send(embed=sent_embed)
            fetched = await channel.fetch_message(sent.id)
            hidden = await fetched.edit(suppress=True)
            return sent, fetched, hidden

        sent, fetched, hidden = run(world, go)
        assert sent.content == "" and len(fetched.embeds) == 1
        same(fetched.embeds[0], sent_embed)
        assert fetched.embeds[0].image.proxy_url
        assert hidden.flags.suppress_embeds and hidden.embeds == []
    finally:
        world.runner.stop()


def test_a_preview_reaches_discord_py_as_an_edit(make_server):
    srv = make_server(LINK_PREVIEWS="1", LINK_PREVIEW_ALLOW_PRIVATE="1")
    site = Site()
    world = World(srv)
    try:
        link = site.url("/page-judged")

        async def go():
            channel = world.dpy_guild().get_channel(int(world.general["id"]))
            return await channel.send(f"see {link}")

        mark = world.bot.mark()
        sent = run(world, go)
        (before, after) = world.bot.wait_event("message_edit", lambda b, a: a.id == sent.id, since=mark)
        assert after.content == sent.content and after.author.id == sent.author.id
        assert [(e.type, e.title, e.url) for e in after.embeds] == [("article", "A & B", link)]
        assert not world.runner.problems()
    finally:
        world.runner.stop()
        site.close()
