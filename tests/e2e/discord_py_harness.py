"""A stock discord.py bot for the judge suite: all intents, its own loop and thread, pointed at this server by the
two base URLs only. It records every event the library dispatches (with its arguments) and every error the library
reports, so a test can assert on what the library saw and fail on any exception, including one raised while the
library parses a gateway event (that one ends client.start(), which the runner records)."""
import asyncio
import concurrent.futures
import logging
import threading
import time
import traceback

import discord
import yarl

from guild_helpers import general, invite_code, join, make_guild, member_with, new_client, ok

ADMINISTRATOR = 1 << 3


def point_at(server):
    """The only change to the library: where its REST API, its gateway and its CDN live."""
    discord.http.Route.BASE = f"http://127.0.0.1:{server.port}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{server.port}/gateway")
    discord.asset.Asset.BASE = f"http://127.0.0.1:{server.port}"


def gateway_sockets(server, compress):
    """Gateway sockets the server opened with that transport compression (its /metrics series), 0 when none."""
    series = f'sd_gateway_connections_total{{compress="{compress}"}} '
    for line in server.get("/metrics").text.splitlines():
        if line.startswith(series):
            return float(line.split()[-1])
    return 0


class ErrorRecorder(logging.Handler):
    """Keeps every ERROR (and worse) record of the 'discord' logger, with its traceback."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.records.append(f"{record.name}: {text}")


class JudgeBot(discord.Client):
    """A discord.Client with every intent that remembers what it dispatched and every error it met."""

    def __init__(self):
        super().__init__(intents=discord.Intents.all())
        self.seen = []
        self.errors = []
        self.lock = threading.Lock()

    def dispatch(self, event, /, *args, **kwargs):
        with self.lock:
            self.seen.append((event, args))
        super().dispatch(event, *args, **kwargs)

    async def on_error(self, event_method, /, *args, **kwargs):
        self.errors.append(f"on_error in {event_method}:\n{traceback.format_exc()}")

    def mark(self):
        """A position in the event record; wait_event(since=mark) looks only at later events."""
        with self.lock:
            return len(self.seen)

    def events(self, name, since=0):
        with self.lock:
            return [args for event, args in self.seen[since:] if event == name]

    def wait_event(self, name, match=lambda *args: True, since=0, timeout=10):
        """The arguments of the first event `name` after `since` that match; fails after timeout seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for args in self.events(name, since):
                if match(*args):
                    return args
            time.sleep(0.05)
        got = [event for event, _ in self.seen[since:]]
        raise AssertionError(f"discord.py dispatched no matching on_{name} within {timeout}s (it saw {got})")


class Runner:
    """Runs a JudgeBot on a loop and thread of its own."""

    def __init__(self, bot, token):
        self.bot, self.failure = bot, None
        self.loop = asyncio.new_event_loop()
        self.recorder = ErrorRecorder()
        logging.getLogger("discord").addHandler(self.recorder)
        self.thread = threading.Thread(target=lambda: self.loop.run_until_complete(self._run(token)), daemon=True)
        self.thread.start()

    async def _run(self, token):
        try:
            await self.bot.start(token)
        except Exception:  # a parser's exception ends start(): the suite must fail on it
            self.failure = traceback.format_exc()
        finally:  # start() returns as soon as a close begins: the loop lives on until that close is done
            await self.bot.close()

    def call(self, fn, *args, timeout=30):
        """Runs the coroutine function fn(*args) on the bot's loop; returns its result (or raises its exception).
        Fails at once when the client has ended (its loop would never run the coroutine)."""
        future = asyncio.run_coroutine_threadsafe(fn(*args), self.loop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if concurrent.futures.wait([future], 0.1).done:
                return future.result()
            if not self.thread.is_alive():
                future.cancel()
                raise AssertionError(f"the client ended before the call finished:\n{self.failure}")
        future.cancel()
        raise AssertionError(f"{fn} did not finish within {timeout}s")

    def problems(self):
        out = list(self.recorder.records) + list(getattr(self.bot, "errors", []))  # a JudgeBot keeps on_error's
        if self.failure:
            out.append(f"client.start() ended:\n{self.failure}")
        elif not self.thread.is_alive():
            out.append("the bot's thread ended")
        return out

    def assert_clean(self):
        problems = self.problems()
        assert not problems, "discord.py reported errors:\n" + "\n".join(problems)

    def stop(self):
        """Closes the client and waits for its thread to end (the thread ends when the close is done)."""
        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.bot.close(), self.loop)
        self.thread.join(15)
        assert not self.thread.is_alive(), "discord.py's client did not close within 15 s"
        logging.getLogger("discord").removeHandler(self.recorder)


class World:
    """A guild owned by a person (REST), a bot with an administrator role in it and a plain member."""

    def __init__(self, server):
        self.server = server
        self.owner = new_client(server, "owner")
        self.guild = make_guild(self.owner, "Judges")
        self.gid = int(self.guild["id"])
        self.general = general(self.owner, self.guild["id"])
        self.code = invite_code(self.owner, self.general["id"])
        self.bot_user = member_with(server, self.owner, self.guild["id"], self.code, ADMINISTRATOR, "judgebot")
        self.member = member_with(server, self.owner, self.guild["id"], self.code, None, "member")
        point_at(server)
        # discord.py's default transport compression: zstd-stream with a zstd decoder installed, else zlib-stream
        self.compress = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
        self.compressed_before = gateway_sockets(server, self.compress)
        self.start()

    def start(self):
        self.bot = JudgeBot()
        self.runner = Runner(self.bot, self.bot_user.token)
        self.bot.wait_event("ready", timeout=30)

    def ensure_running(self):
        """A client that an earlier failure ended is replaced (its failure was reported by that test)."""
        if not self.runner.thread.is_alive() or self.runner.failure or self.bot.is_closed():
            self.runner.stop()
            self.start()

    def newcomer(self, stem="newcomer"):
        c = new_client(self.server, stem)
        join(c, self.code)
        return c

    def call(self, fn, *args, timeout=30):
        return self.runner.call(fn, *args, timeout=timeout)

    def dpy_guild(self):
        return self.bot.get_guild(self.gid)

    def stored(self, path, status=(200, 201, 204)):
        return ok(self.owner.get(path), status)
