// One's own panel under the channels: avatar and names, the status, and the settings and log-out buttons.
import { avatar } from '../content.js';
import { h, replaceChildren } from '../dom.js';
import { openSettingsDialog } from './settings-dialog.js';
import { island } from '../ui/island.js';
import { NotifyBell } from '../notify/notify-bell.jsx';

const STATUSES = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', invisible: 'Invisible' };

export function createMePanel(ctx) {
  const { store, actions } = ctx;
  const el = h('div', { class: 'me-panel' });
  const bell = island(NotifyBell, { ctx }, 'span');
  const render = () => {
    const choice = h(
      'select',
      { id: 'status-select', 'aria-label': 'Status', onChange: (e) => actions.setStatus(e.target.value) },
      Object.entries(STATUSES).map(([value, label]) => h('option', { value, selected: value === store.status }, label)),
    );
    replaceChildren(
      el,
      avatar(store.me),
      h('div', { class: 'me-name' }, h('strong', {}, store.me.global_name || store.me.username), h('span', {}, store.me.username)),
      choice,
      bell,
      h('button', { class: 'icon', title: 'Settings', 'aria-label': 'Settings', onClick: () => openSettingsDialog(ctx) }, '⚙'),
      h('button', { class: 'icon', title: 'Log out', 'aria-label': 'Log out', onClick: () => actions.logout() }, '⎋'),
    );
  };
  store.on(['view', 'me'], render);
  return el;
}
