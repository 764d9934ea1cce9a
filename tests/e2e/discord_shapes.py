"""Discord API v10 object shapes, written from Discord's public API documentation, and a checker.

A shape maps a field to its type: "snowflake", "int", "bool", "string", "iso8601", "object", "array", "any",
each optionally prefixed by "nullable" (present, possibly null) and/or "optional" (may be absent). A nested
dict is an object of that shape; a one-element list [X] is an array whose items are X. Fields not named are
allowed (Discord adds fields over time).
"""
import re

ISO8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _is(kind, v):
    if kind == "snowflake":
        return isinstance(v, str) and v.isdigit() and 0 < len(v) <= 20
    if kind == "int":
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == "bool":
        return isinstance(v, bool)
    if kind == "string":
        return isinstance(v, str)
    if kind == "iso8601":
        return isinstance(v, str) and bool(ISO8601.match(v))
    if kind == "object":
        return isinstance(v, dict)
    if kind == "array":
        return isinstance(v, list)
    if kind == "permissions":  # a bit set as a decimal string
        return isinstance(v, str) and v.isdigit()
    if kind == "any":
        return True
    raise ValueError(f"unknown type {kind!r}")


def problems(value, shape, path="$"):
    """Every way value departs from shape, as a list of "path: what" strings (empty: it conforms)."""
    out = []
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: not an array: {value!r}"]
        for i, item in enumerate(value):
            out += problems(item, shape[0], f"{path}[{i}]")
        return out
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{path}: not an object: {value!r}"]
        for field, spec in shape.items():
            words = spec.split() if isinstance(spec, str) else []
            optional, nullable = "optional" in words, "nullable" in words
            sub = spec if not isinstance(spec, str) else words[-1]
            where = f"{path}.{field}"
            if field not in value:
                if not optional:
                    out.append(f"{where}: absent")
                continue
            v = value[field]
            if v is None:
                if not nullable:
                    out.append(f"{where}: null")
                continue
            if isinstance(sub, str):
                if not _is(sub, v):
                    out.append(f"{where}: not {sub}: {v!r}")
            else:
                out += problems(v, sub, where)
        return out
    if isinstance(shape, str):
        return [] if _is(shape, value) else [f"{path}: not {shape}: {value!r}"]
    raise ValueError(f"bad shape {shape!r}")


def check(value, shape, what="object"):
    """Asserts value conforms to shape, naming every mismatch."""
    found = problems(value, shape)
    assert not found, f"{what} departs from Discord's shape:\n  " + "\n  ".join(found)
    return value


def merged(*shapes, **more):
    out = {}
    for s in shapes:
        out.update(s)
    out.update(more)
    return out


# ---- objects (https://discord.com/developers/docs/resources/...) ----

USER = {
    "id": "snowflake", "username": "string", "discriminator": "string", "global_name": "nullable string",
    "avatar": "nullable string", "bot": "optional bool", "system": "optional bool",
    "banner": "optional nullable string", "accent_color": "optional nullable int",
    "public_flags": "optional int", "flags": "optional int",
    "avatar_decoration_data": "optional nullable object",
}
PRIVATE_USER = merged(USER, mfa_enabled="optional bool", locale="optional string", verified="optional bool",
                      email="optional nullable string", premium_type="optional int")

ROLE = {
    "id": "snowflake", "name": "string", "color": "int",
    "colors": {"primary_color": "int", "secondary_color": "nullable int", "tertiary_color": "nullable int"},
    "hoist": "bool", "icon": "optional nullable string", "unicode_emoji": "optional nullable string",
    "position": "int", "permissions": "permissions", "managed": "bool", "mentionable": "bool",
    "tags": "optional object", "flags": "int",
}

OVERWRITE = {"id": "snowflake", "type": "int", "allow": "permissions", "deny": "permissions"}

# Optional in the channel object's table, but always there for the channel types below.
_GUILD_CHANNEL = {
    "id": "snowflake", "type": "int", "guild_id": "snowflake", "position": "int",
    "permission_overwrites": [OVERWRITE], "name": "string", "parent_id": "nullable snowflake",
    "nsfw": "bool", "flags": "int",
}
TEXT_CHANNEL = merged(_GUILD_CHANNEL, topic="nullable string", last_message_id="nullable snowflake",
                      rate_limit_per_user="int", last_pin_timestamp="optional nullable iso8601")
CATEGORY_CHANNEL = _GUILD_CHANNEL
DM_CHANNEL = {"id": "snowflake", "type": "int", "last_message_id": "nullable snowflake", "recipients": [USER],
              "flags": "int"}
GROUP_DM_CHANNEL = merged(DM_CHANNEL, name="nullable string", icon="nullable string", owner_id="snowflake")
# The read state this server adds to a channel for its reader.
READ_STATE = {"last_read_message_id": "nullable snowflake", "mention_count": "int"}

MEMBER = {
    "user": merged(USER), "nick": "nullable string", "avatar": "nullable string",
    "banner": "optional nullable string", "roles": ["snowflake"], "joined_at": "iso8601",
    "premium_since": "nullable iso8601", "deaf": "bool", "mute": "bool", "flags": "int",
    "pending": "optional bool", "permissions": "optional string",
    "communication_disabled_until": "nullable iso8601", "avatar_decoration_data": "optional nullable object",
}
PARTIAL_MEMBER = {k: v for k, v in MEMBER.items() if k != "user"}

GUILD_EMOJI = {"id": "snowflake", "name": "string", "roles": ["snowflake"], "user": "optional object",
               "require_colons": "bool", "managed": "bool", "animated": "bool", "available": "bool"}
GUILD = {
    "id": "snowflake", "name": "string", "icon": "nullable string", "splash": "nullable string",
    "discovery_splash": "nullable string", "owner_id": "snowflake", "afk_channel_id": "nullable snowflake",
    "afk_timeout": "int", "widget_enabled": "optional bool", "widget_channel_id": "optional nullable snowflake",
    "verification_level": "int", "default_message_notifications": "int", "explicit_content_filter": "int",
    "roles": [ROLE], "emojis": [GUILD_EMOJI], "features": ["string"], "mfa_level": "int",
    "application_id": "nullable snowflake", "system_channel_id": "nullable snowflake",
    "system_channel_flags": "int", "rules_channel_id": "nullable snowflake",
    "max_presences": "optional nullable int", "max_members": "optional int",
    "vanity_url_code": "nullable string", "description": "nullable string", "banner": "nullable string",
    "premium_tier": "int", "premium_subscription_count": "optional int", "preferred_locale": "string",
    "public_updates_channel_id": "nullable snowflake", "max_video_channel_users": "optional int",
    "max_stage_video_channel_users": "optional int", "approximate_member_count": "optional int",
    "approximate_presence_count": "optional int", "nsfw_level": "int", "stickers": "optional array",
    "premium_progress_bar_enabled": "bool", "safety_alerts_channel_id": "nullable snowflake",
    "incidents_data": "optional nullable object",
}
PARTIAL_GUILD = {"id": "snowflake", "name": "string", "icon": "nullable string", "banner": "nullable string",
                 "owner": "bool", "permissions": "permissions", "features": ["string"],
                 "approximate_member_count": "optional int", "approximate_presence_count": "optional int"}

PRESENCE = {"user": {"id": "snowflake"}, "guild_id": "optional snowflake", "status": "string",
            "activities": "array", "client_status": "object"}

GUILD_CREATE = merged(GUILD, joined_at="iso8601", large="bool", unavailable="bool", member_count="int",
                      voice_states="array", members=[MEMBER], channels=[_GUILD_CHANNEL], threads="array",
                      presences=[PRESENCE], stage_instances="array", guild_scheduled_events="array",
                      soundboard_sounds="array", emojis="array", stickers="array")
UNAVAILABLE_GUILD = {"id": "snowflake", "unavailable": "bool"}

READY = {
    "v": "int", "user": PRIVATE_USER, "guilds": [UNAVAILABLE_GUILD], "session_id": "string",
    "resume_gateway_url": "string", "shard": "optional array", "application": {"id": "snowflake", "flags": "int"},
    "private_channels": "array", "relationships": "optional array", "presences": "optional array",
}

INVITE = {
    "type": "int", "code": "string",
    "guild": {"id": "snowflake", "name": "string", "splash": "nullable string", "banner": "nullable string",
              "description": "nullable string", "icon": "nullable string", "features": ["string"],
              "verification_level": "int", "vanity_url_code": "nullable string", "nsfw_level": "int",
              "premium_subscription_count": "optional int"},
    "channel": {"id": "snowflake", "name": "nullable string", "type": "int"},
    "inviter": "optional object", "approximate_member_count": "optional int",
    "approximate_presence_count": "optional int", "expires_at": "nullable iso8601",
}
INVITE_METADATA = merged(INVITE, uses="int", max_uses="int", max_age="int", temporary="bool", created_at="iso8601")

EMOJI = {"id": "nullable snowflake", "name": "nullable string", "animated": "optional bool"}
REACTION = {"count": "int", "count_details": {"burst": "int", "normal": "int"}, "me": "bool", "me_burst": "bool",
            "emoji": EMOJI, "burst_colors": ["string"]}

MESSAGE = {
    "id": "snowflake", "channel_id": "snowflake", "author": USER, "content": "string", "timestamp": "iso8601",
    "edited_timestamp": "nullable iso8601", "tts": "bool", "mention_everyone": "bool", "mentions": [USER],
    "mention_roles": ["snowflake"], "attachments": "array", "embeds": "array", "reactions": "optional array",
    "nonce": "optional string", "pinned": "bool", "type": "int", "flags": "optional int",
    "components": "optional array", "message_reference": "optional object",
    "referenced_message": "optional nullable object", "guild_id": "optional snowflake",
}
REACTIONS_MESSAGE = merged(MESSAGE, reactions=[REACTION])
# MESSAGE_CREATE / MESSAGE_UPDATE in a guild: the message with guild_id and the author's member (no user).
GUILD_MESSAGE_EVENT = merged(MESSAGE, guild_id="snowflake", member=PARTIAL_MEMBER)

BAN = {"reason": "nullable string", "user": USER}

# ---- dispatches (https://discord.com/developers/docs/events/gateway-events) ----

REACTION_ADD = {"user_id": "snowflake", "channel_id": "snowflake", "message_id": "snowflake",
                "guild_id": "optional snowflake", "member": "optional object", "emoji": EMOJI,
                "message_author_id": "optional snowflake", "burst": "bool", "burst_colors": "optional array",
                "type": "int"}
GUILD_REACTION_ADD = merged(REACTION_ADD, guild_id="snowflake", member=MEMBER, message_author_id="snowflake",
                            burst_colors=["string"])
REACTION_REMOVE = {"user_id": "snowflake", "channel_id": "snowflake", "message_id": "snowflake",
                   "guild_id": "optional snowflake", "emoji": EMOJI, "burst": "bool", "type": "int"}
MESSAGE_DELETE = {"id": "snowflake", "channel_id": "snowflake", "guild_id": "optional snowflake"}
MESSAGE_DELETE_BULK = {"ids": ["snowflake"], "channel_id": "snowflake", "guild_id": "optional snowflake"}
TYPING_START = {"channel_id": "snowflake", "guild_id": "optional snowflake", "user_id": "snowflake",
                "timestamp": "int", "member": "optional object"}
GUILD_TYPING_START = merged(TYPING_START, guild_id="snowflake", member=MEMBER)
CHANNEL_PINS_UPDATE = {"guild_id": "optional snowflake", "channel_id": "snowflake",
                       "last_pin_timestamp": "optional nullable iso8601"}
GUILD_MEMBER_ADD = merged(MEMBER, guild_id="snowflake")
GUILD_MEMBER_UPDATE = {"guild_id": "snowflake", "roles": ["snowflake"], "user": USER, "nick": "nullable string",
                       "avatar": "nullable string", "joined_at": "nullable iso8601",
                       "premium_since": "nullable iso8601", "deaf": "bool", "mute": "bool", "pending": "bool",
                       "communication_disabled_until": "nullable iso8601", "flags": "int"}
GUILD_MEMBER_REMOVE = {"guild_id": "snowflake", "user": USER}
GUILD_BAN = {"guild_id": "snowflake", "user": USER}
GUILD_ROLE = {"guild_id": "snowflake", "role": ROLE}
GUILD_ROLE_DELETE = {"guild_id": "snowflake", "role_id": "snowflake"}
GUILD_EMOJIS_UPDATE = {"guild_id": "snowflake", "emojis": [GUILD_EMOJI]}
GUILD_DELETE = {"id": "snowflake", "unavailable": "optional bool"}
INVITE_CREATE = {"channel_id": "snowflake", "code": "string", "created_at": "iso8601",
                 "guild_id": "optional snowflake", "inviter": "optional object", "max_age": "int",
                 "max_uses": "int", "temporary": "bool", "uses": "int", "expires_at": "nullable iso8601"}
INVITE_DELETE = {"channel_id": "snowflake", "guild_id": "optional snowflake", "code": "string"}
GUILD_MEMBERS_CHUNK = {"guild_id": "snowflake", "members": [MEMBER], "chunk_index": "int", "chunk_count": "int",
                       "not_found": "optional array", "presences": "optional array", "nonce": "optional string"}
