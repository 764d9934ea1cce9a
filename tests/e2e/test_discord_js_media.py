"""The discord.js judge on media: tests/e2e/discordjs/media.mjs sends files and embeds, makes a custom emoji and
sets an avatar and a guild icon with a stock discord.js 14 bot, and reads every byte back from the URLs the library
uses. The suite prints one line per step and exits non-zero on a failed step or any library exception."""
import os
import pathlib
import shutil
import subprocess

from guild_helpers import general, invite_code, make_guild, member_with, new_client
from media_helpers import png

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SUITE = pathlib.Path(__file__).resolve().parent / "discordjs" / "media.mjs"
ADMINISTRATOR = 1 << 3


def test_stock_discord_js_bot_sends_and_reads_media(server, tmp_path):
    node = shutil.which("node")
    assert node, "node is not installed: run ./task setup"
    assert (ROOT / "node_modules" / "discord.js").is_dir(), "discord.js is not installed: run npm ci"
    owner = new_client(server, "owner")
    g = make_guild(owner, "Media judges")
    ch = general(owner, g["id"])
    code = invite_code(owner, ch["id"])
    bot = member_with(server, owner, g["id"], code, ADMINISTRATOR, "judgebot")
    (tmp_path / "judge.png").write_bytes(png(40, 30, text=b"a comment"))
    (tmp_path / "avatar.png").write_bytes(png(256, 256, rgb=(0, 0, 255)))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(ROOT),
        "SD_BASE": server.base,
        "SD_GUILD_ID": g["id"],
        "SD_CHANNEL_ID": ch["id"],
        "SD_BOT_TOKEN": bot.token,
        "SD_OWNER_TOKEN": owner.token,
        "SD_PNG_PATH": str(tmp_path / "judge.png"),
        "SD_AVATAR_PATH": str(tmp_path / "avatar.png"),
    }
    run = subprocess.run([node, str(SUITE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=150)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"the discord.js media suite failed (exit {run.returncode}):\n{output[-12000:]}"
    assert "all steps passed" in run.stdout, output
