// Links in message text: only http(s) URLs become links, opened in a new tab without an opener or referrer.
// A masked link ([text](url)) whose text is not its URL asks first where it leads (leaving-dialog.jsx).
/** The URL to follow when url is an absolute http(s) one, else null (javascript:, data:, relative...). */
export function linkUrl(url) {
  if (typeof url !== 'string' || url.length > 4096) return null;
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname ? u.href : null;
  } catch {
    return null;
  }
}

/** Does a masked link's text say where it goes (it is the URL itself)? */
export function textIsUrl(text, href) {
  const t = text.trim();
  return t === href || linkUrl(t) === href;
}

export function openLink(href) {
  window.open(href, '_blank', 'noopener,noreferrer');
}
