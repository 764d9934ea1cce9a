"""A stock discord.py bot run as discord.py runs where no zstd library is installed: its gateway then asks for
zlib-stream, its default. Run by tests/e2e/test_discord_py.py as `python discord_py_zlib_bot.py <port> <token>`:
prints "ready <guild ids>" once on_ready has come, and answers each message of another user with "pong: ...".
"""
import sys

sys.modules["zstandard"] = None  # no zstd decoder on this machine, as far as discord.py can tell
sys.modules["compression.zstd"] = None

import discord  # noqa: E402
import yarl  # noqa: E402


def main():
    port, token = sys.argv[1], sys.argv[2]
    assert discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE == "zlib-stream"
    discord.http.Route.BASE = f"http://127.0.0.1:{port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")
    intents = discord.Intents.default()
    intents.message_content = True
    client = discord.Client(intents=intents)

    @client.event
    async def on_ready():
        print("ready", " ".join(str(g.id) for g in client.guilds), flush=True)

    @client.event
    async def on_message(message):
        if message.author.id != client.user.id:
            await message.channel.send(f"pong: {message.content}")

    client.run(token, log_handler=None)


if __name__ == "__main__":
    main()
