// Channels: the guild's channels and categories with the editor of the chosen one.
export function Channels() {
  return <p class="hint">Channels.</p>;
}
