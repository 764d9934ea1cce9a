// Discord's CDN paths for avatars, guild icons, custom emoji and the default avatars, served by the same origin
// as the API. Hashes come from the server (a_ hashes are animated and stay GIFs); ids are snowflakes.

const SNOWFLAKE = /^\d{1,20}$/;
const HASH = /^(a_)?[0-9a-f]{8,64}$/i;
const SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

/** The smallest size Discord serves that covers px (times the screen's density). */
export function cdnSize(px) {
  const want = px * (globalThis.devicePixelRatio || 1);
  return SIZES.find((s) => s >= want) || 4096;
}

const ext = (hash) => (hash.startsWith('a_') ? 'gif' : 'png');

/** /embed/avatars/{n}.png with n = (id >> 22) % 6, as Discord picks for users without an avatar. */
export function defaultAvatarUrl(userId) {
  const n = userId && SNOWFLAKE.test(userId) ? Number((BigInt(userId) >> 22n) % 6n) : 0;
  return `/embed/avatars/${n}.png`;
}

/** The user's avatar URL at about px pixels (their default avatar without one). */
export function avatarUrl(user, px = 32) {
  if (!user || !SNOWFLAKE.test(user.id || '')) return defaultAvatarUrl(null);
  const a = user.avatar;
  if (typeof a === 'string' && /^https?:\/\//.test(a)) return a; // an older account's avatar link
  if (typeof a === 'string' && HASH.test(a)) return `/avatars/${user.id}/${a}.${ext(a)}?size=${cdnSize(px)}`;
  return defaultAvatarUrl(user.id);
}

/** The guild's icon URL at about px pixels, or null when it has none. */
export function guildIconUrl(guild, px = 48) {
  if (!guild || !SNOWFLAKE.test(guild.id || '') || typeof guild.icon !== 'string' || !HASH.test(guild.icon)) return null;
  return `/icons/${guild.id}/${guild.icon}.${ext(guild.icon)}?size=${cdnSize(px)}`;
}

/** A custom emoji's image URL, or null for an id that is not a snowflake. */
export function emojiUrl(id, animated = false, px = 48) {
  if (!SNOWFLAKE.test(id || '')) return null;
  return `/emojis/${id}.${animated ? 'gif' : 'png'}?size=${cdnSize(px)}`;
}

/** Only http(s) links (and same-origin paths) are followed or loaded from what the server sends. */
export function safeUrl(url) {
  if (typeof url !== 'string' || url.length > 4096) return null;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/** 1536 -> "1.5 KB", as people read file sizes. */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Width and height scaled down (never up) to fit a maxW x maxH box, keeping the aspect ratio. */
export function fitBox(width, height, maxW, maxH) {
  if (!(width > 0 && height > 0)) return null;
  const scale = Math.min(1, maxW / width, maxH / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Reads a File as a data: URI (for previews and the image fields Discord takes as data URIs). */
export function readDataUri(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error || new Error('The file could not be read.'));
    r.readAsDataURL(file);
  });
}
