// Roles: the guild's roles in position order with the editor of the chosen one.
export function Roles() {
  return <p class="hint">Roles.</p>;
}
