// Fuzzy matching for the quick switcher: the query's letters must appear in order in the name; letters in a row,
// at the start of the name or of a word score higher, and shorter names win ties.

/** A score (higher is better) for query in text, or null when text does not match. */
export function fuzzyScore(query, text) {
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  if (!q) return 0;
  let score = 0;
  let from = 0;
  let last = -2;
  for (const ch of q) {
    const at = t.indexOf(ch, from);
    if (at < 0) return null;
    if (at === last + 1) score += 5; // in a row
    if (at === 0) score += 8;
    else if (/[\s\-_#@.,]/.test(t[at - 1])) score += 4; // start of a word
    score -= Math.min(at - from, 3); // a gap
    last = at;
    from = at + 1;
  }
  if (t.startsWith(q)) score += 10;
  return score - t.length / 100;
}

/** items ({label}) matching query, best first, at most limit. */
export function fuzzyFilter(items, query, limit = 50) {
  if (!query) return items.slice(0, limit);
  return items
    .map((item, i) => ({ item, i, score: fuzzyScore(query, item.label) }))
    .filter((x) => x.score !== null)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.item);
}
