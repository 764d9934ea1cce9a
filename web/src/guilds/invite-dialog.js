// The dialog with a new invite link to the open guild (to the open channel, else its first), and a button that
// copies it.
import { dialog, nextId } from '../dialog.js';
import { h } from '../dom.js';
import { firstChannel } from '../store/model.js';
import { currentChannel } from '../store/store.js';

export async function openInviteDialog({ store, actions }) {
  const open = currentChannel(store);
  const c = open && open.guild_id ? open : store.channels.get(firstChannel(store, store.view.guildId));
  if (!c) return actions.notify('There is no channel to invite people to.');
  const invite = await actions.createInvite(c.id);
  if (!invite) return;
  const link = `${location.origin}/invite/${invite.code}`;
  const id = nextId('invite-link');
  const input = h('input', { id, readonly: true, value: link });
  const copied = h('p', { class: 'hint', role: 'status' });
  dialog(
    `Invite people to ${store.guilds.get(c.guild_id).guild.name}`,
    [
      h('div', { class: 'field' }, h('label', { for: id }, 'Invite link (valid for 7 days)'), input),
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          onClick: async () => {
            try {
              await navigator.clipboard.writeText(link);
            } catch {
              input.select();
              document.execCommand('copy');
            }
            copied.textContent = 'Copied!';
          },
        },
        'Copy link',
      ),
      copied,
    ],
    {},
  );
  input.select();
}
