"""The judge no one here wrote: a stock discord.py bot (PyPI), pointed at this server by its two base URLs (the
REST API's and the gateway's, which discord.py keeps apart), logs in, gets on_ready with its guild, sees a message
another user sends over REST, and answers it with channel.send()."""
import asyncio
import concurrent.futures
import threading

import discord
import yarl

from gateway_helpers import Gateway
from guild_helpers import general, invite_code, join, make_guild, new_client, ok


def test_stock_discord_py_bot_replies(server):
    owner = new_client(server, "owner")
    g = make_guild(owner)
    ch = general(owner, g["id"])
    bot_user = new_client(server, "bot")
    join(bot_user, invite_code(owner, ch["id"]))

    # The only changes to the library: where its REST API and its gateway live.
    discord.http.Route.BASE = f"http://127.0.0.1:{server.port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{server.port}/gateway")

    intents = discord.Intents.default()
    intents.message_content = True
    seen = {"ready": threading.Event(), "guilds": [], "messages": []}
    loop = asyncio.new_event_loop()
    client = None

    async def run():
        nonlocal client
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

        await client.start(bot_user.token)

    watcher = Gateway(server)
    watcher.identify(owner.token)
    thread = threading.Thread(target=lambda: loop.run_until_complete(run()), daemon=True)
    thread.start()
    try:
        assert seen["ready"].wait(30), "on_ready never came"
        assert seen["guilds"] == [g["id"]]
        sent = ok(owner.post(f"/channels/{ch['id']}/messages", {"content": "ping"}))
        reply = watcher.expect("MESSAGE_CREATE", timeout=20, match=lambda d: d["author"]["id"] == bot_user.id)["d"]
        assert reply["content"] == "pong: ping" and reply["channel_id"] == ch["id"]
        assert seen["messages"] == ["ping"]
        stored = ok(owner.get(f"/channels/{ch['id']}/messages?after={sent['id']}"))
        assert [m["content"] for m in stored] == ["pong: ping"]
    finally:
        watcher.close()
        if client is not None:
            try:  # discord.py's close can outlast this; the bot thread is a daemon either way
                asyncio.run_coroutine_threadsafe(client.close(), loop).result(10)
            except (TimeoutError, concurrent.futures.TimeoutError):
                pass
        thread.join(5)
