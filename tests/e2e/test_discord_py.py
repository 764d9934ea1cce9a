"""The judge no one here wrote: a stock discord.py bot (PyPI), pointed at this server by its two base URLs (the
REST API's and the gateway's, which discord.py keeps apart), logs in, gets on_ready with its guild, sees a message
another user sends over REST, and answers it with channel.send(). The library asks for transport compression
by default (zstd-stream when a zstd decoder is installed, as requirements-dev.txt does; zlib-stream otherwise):
the server counts each socket's compression, and both are run."""
import pathlib
import subprocess
import sys
import threading
import time

import discord
import yarl

from discord_py_harness import Runner
from gateway_helpers import Gateway, connections
from guild_helpers import general, invite_code, join, make_guild, new_client, ok


def setup_guild(server):
    """An owner's guild with a bot account in it; the library pointed at this server."""
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    bot_user = new_client(server, "bot")
    join(bot_user, invite_code(owner, ch["id"]))
    # The only changes to the library: where its REST API and its gateway live.
    discord.http.Route.BASE = f"http://127.0.0.1:{server.port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{server.port}/gateway")
    return owner, g, ch, bot_user


def test_stock_discord_py_bot_replies(server):
    owner, g, ch, bot_user = setup_guild(server)
    compress = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
    assert compress in ("zstd-stream", "zlib-stream")
    before = connections(server, compress)

    intents = discord.Intents.default()
    intents.message_content = True
    seen = {"ready": threading.Event(), "guilds": [], "messages": []}
    client = discord.Client(intents=intents)

    @client.event
    async def on_ready():
        seen["guilds"] = [str(guild.id) for guild in client.guilds]
        seen["ready"].set()

    @client.event
    async def on_message(message):
        if message.author.id == client.user.id:
            return
        seen["messages"].append(message.content)
        await message.channel.send(f"pong: {message.content}")

    watcher = Gateway(server)
    watcher.identify(owner.token)
    runner = Runner(client, bot_user.token)
    try:
        assert seen["ready"].wait(30), "on_ready never came"
        assert seen["guilds"] == [g["id"]]
        assert connections(server, compress) == before + 1  # its socket is compressed as it asked
        sent = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "ping"}))
        reply = watcher.expect("MESSAGE_CREATE", timeout=20, match=lambda d: d["author"]["id"] == bot_user.id)["d"]
        assert reply["content"] == "pong: ping" and reply["channel_id"] == ch["id"]
        assert seen["messages"] == ["ping"]
        stored = ok(owner.get(f"/channels/{ch['id']}/messages?after={sent['id']}"))
        assert [m["content"] for m in stored] == ["pong: ping"]
        runner.assert_clean()
    finally:
        watcher.close()
        runner.stop()


def test_stock_discord_py_bot_over_zlib_stream_its_default_without_zstd(server):
    """The same bot as discord.py runs it where no zstd decoder is installed: over zlib-stream."""
    owner, g, ch, bot_user = setup_guild(server)
    before = connections(server, "zlib-stream")
    watcher = Gateway(server)
    watcher.identify(owner.token)
    script = pathlib.Path(__file__).with_name("discord_py_zlib_bot.py")
    bot = subprocess.Popen([sys.executable, str(script), str(server.port), bot_user.token],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(bot.stdout.readline, "")), daemon=True)
        reader.start()
        deadline = time.time() + 30
        while not any(line.startswith("ready") for line in lines) and time.time() < deadline and bot.poll() is None:
            time.sleep(0.1)
        assert any(line.split() == ["ready", g["id"]] for line in lines), (lines, bot.poll())
        assert connections(server, "zlib-stream") == before + 1
        ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "ping"}))
        reply = watcher.expect("MESSAGE_CREATE", timeout=20, match=lambda d: d["author"]["id"] == bot_user.id)["d"]
        assert reply["content"] == "pong: ping"
    finally:
        watcher.close()
        bot.terminate()
        try:
            bot.wait(10)
        except subprocess.TimeoutExpired:
            bot.kill()
            bot.wait(5)


def test_stock_discord_py_bot_with_members_intent_sees_guild_changes(server):
    """With the members intent discord.py asks for every guild's members (op 8) before on_ready, then keeps its
    cache by the member, channel and role events."""
    owner, g, ch, bot_user = setup_guild(server)
    intents = discord.Intents.default()
    intents.members = True
    seen = {"ready": threading.Event(), "members": [], "chunked": None, "joined": threading.Event(),
            "channel": threading.Event(), "role": threading.Event()}
    client = discord.Client(intents=intents)

    @client.event
    async def on_ready():
        guild = client.guilds[0]
        seen["members"] = sorted(str(m.id) for m in guild.members)
        seen["chunked"] = guild.chunked
        seen["ready"].set()

    @client.event
    async def on_member_join(member):
        seen["join_name"] = member.name
        seen["joined"].set()

    @client.event
    async def on_guild_channel_create(channel):
        seen["channel_name"] = channel.name
        seen["channel"].set()

    @client.event
    async def on_guild_role_create(role):
        seen["role_name"] = role.name
        seen["role"].set()

    runner = Runner(client, bot_user.token)
    try:
        assert seen["ready"].wait(30), "on_ready never came"
        assert seen["chunked"] is True
        assert seen["members"] == sorted([owner.id, bot_user.id])
        newcomer = new_client(server, "newcomer")
        join(newcomer, invite_code(owner, ch["id"]))
        assert seen["joined"].wait(10) and seen["join_name"] == newcomer.user["username"]
        ok(owner.post(f"/guilds/{g['id']}/channels", {"name": "announcements"}))
        assert seen["channel"].wait(10) and seen["channel_name"] == "announcements"
        ok(owner.post(f"/guilds/{g['id']}/roles", {"name": "helpers"}))
        assert seen["role"].wait(10) and seen["role_name"] == "helpers"
        guild_members = runner.call(_member_ids, client, timeout=10)
        assert sorted(guild_members) == sorted([owner.id, bot_user.id, newcomer.id])
        runner.assert_clean()
    finally:
        runner.stop()


async def _member_ids(client):
    return [str(m.id) for m in client.guilds[0].members]
