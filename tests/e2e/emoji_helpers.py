"""Custom emoji for the tests: data URIs of real pictures, and an emoji made in a guild."""
import base64

from guild_helpers import ok
from media_helpers import png


def gif_two_frames():
    """A real animated GIF89a: 1x1, two frames of different colours, looping."""
    header = b"GIF89a" + b"\x01\x00\x01\x00" + b"\x80\x00\x00" + b"\x00\x00\x00" + b"\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"

    def frame(lzw):
        return b"\x21\xf9\x04\x04\x0a\x00\x00\x00" + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02" + lzw + b"\x00"

    return header + loop + frame(b"\x44\x01") + frame(b"\x4c\x01") + b"\x3b"


def data_uri(data, kind="image/png"):
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def make_emoji(client, guild_id, name="blob", image=None, **extra):
    body = {"name": name, "image": image or data_uri(png(16, 16)), **extra}
    return ok(client.post(f"/guilds/{guild_id}/emojis", body), 201)
