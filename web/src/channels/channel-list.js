// A guild's side of the sidebar: its icon and name with the edit (for its managers), invite and create-channel
// buttons, and its text channels
// grouped under their categories.
import { h, replaceChildren } from '../dom.js';
import { openGuildSettingsDialog } from '../guilds/guild-settings-dialog.js';
import { openInviteDialog } from '../guilds/invite-dialog.js';
import { guildIconUrl } from '../media/cdn.js';
import { canManageGuild, CATEGORY, newer, TEXT } from '../store/model.js';
import { channelButton } from './channel-button.js';
import { openCreateChannelDialog } from './create-channel-dialog.js';
import { notifyButtonProps } from '../notify/notify-dialog.jsx';

/** Draws guild g into the sidebar's head and list. */
export function renderChannelList(ctx, g, head, list) {
  replaceChildren(
    head,
    guildIconUrl(g.guild, 24) ? h('img', { class: 'guild-icon tiny', src: guildIconUrl(g.guild, 24), alt: '' }) : null,
    h('h1', {}, g.guild.name),
    canManageGuild(ctx.store, g.guild.id)
      ? h('button', { class: 'icon', title: 'Edit server', 'aria-label': 'Edit server', onClick: () => openGuildSettingsDialog(ctx, g.guild.id) }, '✎')
      : null,
    h('button', { class: 'small', title: 'Invite people', 'aria-label': 'Invite people', onClick: () => openInviteDialog(ctx) }, 'Invite'),
    h('button', notifyButtonProps(ctx, { guildId: g.guild.id }, 'Server notifications'), '🔔'),
    h('button', { class: 'icon', title: 'Create channel', 'aria-label': 'Create channel', onClick: () => openCreateChannelDialog(ctx) }, '#+'),
  );
  const all = [...g.channels.values()].sort((a, b) => a.position - b.position || (newer(a.id, b.id) ? 1 : -1));
  const text = all.filter((c) => c.type === TEXT);
  const groups = [{ id: null, name: null }, ...all.filter((c) => c.type === CATEGORY)].map((cat) => ({
    cat,
    items: text.filter((c) => (c.parent_id || null) === cat.id),
  }));
  replaceChildren(
    list,
    groups.map((gr) => [
      gr.cat.id ? h('h2', { class: 'category', id: `cat-${gr.cat.id}` }, gr.cat.name) : null,
      gr.items.length ? h('ul', { 'aria-labelledby': gr.cat.id ? `cat-${gr.cat.id}` : null }, gr.items.map((c) => channelButton(ctx, c, `#${c.name}`))) : null,
    ]),
  );
}
