// What the message views decide without drawing anything (also checked on their own, without a browser): the
// kind of an attachment, whether it is a spoiler, and how the reaction API names an emoji.

/** image, video or file, from the attachment's content type (or its name and size when it has none). */
export function attachmentKind(a) {
  const type = String(a.content_type || '').toLowerCase();
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)/.test(type)) return 'image';
  if (/^video\/(mp4|webm|ogg|quicktime)/.test(type)) return 'video';
  if (!type && a.width && a.height && /\.(png|jpe?g|gif|webp)$/i.test(a.filename || '')) return 'image';
  return 'file';
}

export const isSpoiler = (a) => a.spoiler === true || /^SPOILER_/.test(a.filename || '');

/** How the reaction API names an emoji: its text, or name:id for a custom one. */
export function reactionParam(emoji) {
  return emoji.id ? `${emoji.name}:${emoji.id}` : emoji.name;
}
