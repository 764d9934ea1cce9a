"""The judge no one here wrote, in JavaScript: a stock discord.js 14 bot (npm, only its REST base URL set; it finds
the gateway by GET /gateway/bot) runs the everyday operations of tests/e2e/discordjs/suite.mjs against this server.
The suite prints one line per step and exits non-zero on a failed step or on any library exception; this test fails
with its output."""
import os
import pathlib
import shutil
import subprocess

from guild_helpers import general, invite_code, make_guild, member_with, new_client

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SUITE = pathlib.Path(__file__).resolve().parent / "discordjs" / "suite.mjs"
ADMINISTRATOR = 1 << 3


def test_stock_discord_js_bot_runs_the_everyday_operations(server):
    node = shutil.which("node")
    assert node, "node is not installed: run ./task setup"
    assert (ROOT / "node_modules" / "discord.js").is_dir(), "discord.js is not installed: run npm ci"
    owner = new_client(server, "owner")
    g = make_guild(owner, "Judges")
    ch = general(owner, g["id"])
    code = invite_code(owner, ch["id"])
    bot = member_with(server, owner, g["id"], code, ADMINISTRATOR, "judgebot")
    member = member_with(server, owner, g["id"], code, None, "member")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(ROOT),
        "SD_BASE": server.base,
        "SD_GUILD_ID": g["id"],
        "SD_CHANNEL_ID": ch["id"],
        "SD_INVITE_CODE": code,
    }
    for name, who in (("BOT", bot), ("OWNER", owner), ("MEMBER", member)):
        env[f"SD_{name}_ID"], env[f"SD_{name}_TOKEN"] = who.id, who.token
    run = subprocess.run([node, str(SUITE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=150)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"the discord.js suite failed (exit {run.returncode}):\n{output[-12000:]}"
    assert "all steps passed" in run.stdout, output
