// The SimpleDiscord web client: sign-in, then guilds, channels, messages and members, kept live by the gateway.
// The data lives in the store (store/), fed by gateway events and REST answers; the views below draw it when
// the store tells them it changed, and call actions.
import { createApi, describeError as describe } from './api.js';
import { avatar, formatTime, initials, renderContent } from './content.js';
import { arrowKeys, h, replaceChildren } from './dom.js';
import { Gateway } from './gateway.js';
import { createActions } from './store/actions.js';
import { applyDispatch } from './store/dispatch.js';
import * as S from './store/model.js';
import { createStore, currentChannel as current } from './store/store.js';

const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'];
const STATUSES = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', invisible: 'Invisible' };

const root = document.getElementById('app');
let token = localStorage.getItem('token');
const api = createApi({ token: () => token, onUnauthorized: () => logout() });
let store = null;
let actions = null;
let gateway = null;
let ui = null;
let pendingInvite = inviteFromPath();
let uid = 0;

function inviteFromPath() {
  const m = location.pathname.match(/^\/invite\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

function toast(text) {
  if (!ui) return;
  ui.toast.textContent = text;
  clearTimeout(ui.toastTimer);
  ui.toastTimer = setTimeout(() => (ui.toast.textContent = ''), 6000);
}

// ---- signing in ----

function field(label, name, { type = 'text', autocomplete, value = '', required = true, maxlength } = {}) {
  const id = `f-${name}-${++uid}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name, type, autocomplete, value, required, maxlength }),
  );
}

function showAuth(mode = 'login') {
  ui = null;
  const login = mode === 'login';
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card auth-card', 'aria-labelledby': 'auth-title' },
    h('h1', { id: 'auth-title' }, login ? 'Welcome back' : 'Create an account'),
    login
      ? [field('Username or email', 'login', { autocomplete: 'username' }), field('Password', 'password', { type: 'password', autocomplete: 'current-password' })]
      : [
          field('Username', 'username', { autocomplete: 'username', maxlength: 32 }),
          field('Email (optional)', 'email', { type: 'email', autocomplete: 'email', required: false }),
          field('Password', 'password', { type: 'password', autocomplete: 'new-password' }),
        ],
    error,
    h('button', { type: 'submit', class: 'primary' }, login ? 'Log in' : 'Register'),
    h(
      'p',
      { class: 'switch' },
      login ? 'Need an account? ' : 'Already have an account? ',
      h('button', { type: 'button', class: 'link', onClick: () => showAuth(login ? 'register' : 'login') }, login ? 'Register' : 'Log in'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    if (!body.email) delete body.email;
    try {
      const answer = await api.post(login ? '/auth/login' : '/auth/register', body);
      token = answer.token;
      localStorage.setItem('token', token);
      startApp();
    } catch (err) {
      error.textContent = describe(err);
    }
  });
  replaceChildren(root, h('main', { class: 'auth' }, h('p', { class: 'brand' }, 'SimpleDiscord'), form));
  form.querySelector('input').focus();
}

function logout() {
  if (gateway) gateway.stop();
  gateway = null;
  token = null;
  if (store) store.close();
  store = null;
  actions = null;
  localStorage.removeItem('token');
  showAuth();
}

// ---- the main screen ----

async function startApp() {
  store = createStore();
  try {
    store.me = await api.get('/users/@me');
  } catch (err) {
    if (err.status === 401) return; // logout() has shown the sign-in screen
    replaceChildren(root, h('main', { class: 'auth' }, h('p', { role: 'alert' }, describe(err))));
    return;
  }
  S.rememberUser(store, store.me);
  const mine = store;
  gateway = new Gateway(api, token, {
    dispatch: (t, d) => {
      if (t === 'READY') {
        if (mine.connection.readyBefore) actions.resync();
        mine.connection.readyBefore = true;
      }
      applyDispatch({ store: mine, actions }, t, d);
    },
    state: (s) => {
      mine.connection.state = s;
      mine.emit('connection');
    },
    fatal: (code) => (code === 4004 ? logout() : mine.emit('toast', 'The gateway refused this session.')),
  });
  actions = createActions({ store, api, gateway, logout });
  buildLayout();
  gateway.start();
  actions.loadDms();
  store.emit('view');
  if (pendingInvite) {
    const code = pendingInvite;
    pendingInvite = null;
    history.replaceState(null, '', '/');
    openJoin(code);
  }
}

function buildLayout() {
  ui = {
    rail: h('nav', { class: 'rail', 'aria-label': 'Servers' }),
    sideHead: h('header', { class: 'side-head' }),
    channels: h('nav', { class: 'channels', 'aria-label': 'Channels' }),
    mePanel: h('div', { class: 'me-panel' }),
    chatHead: h('header', { class: 'chat-head' }),
    conn: h('div', { class: 'conn', role: 'status', hidden: true }),
    list: h('div', { class: 'messages', role: 'log', 'aria-label': 'Messages', tabindex: 0 }),
    typing: h('div', { class: 'typing', 'aria-live': 'polite' }),
    composer: h('form', { class: 'composer' }),
    members: h('aside', { class: 'members', 'aria-label': 'Members' }),
    toast: h('div', { class: 'toast', role: 'alert' }),
    lastTyping: 0,
  };
  arrowKeys(ui.rail, 'button');
  arrowKeys(ui.channels, 'button.channel');
  arrowKeys(ui.members, 'button.member');
  ui.list.addEventListener('scroll', () => {
    if (ui.list.scrollTop < 150) loadOlder();
    if (atBottom()) actions.ackLatest();
  });
  buildComposer();
  subscribe();
  replaceChildren(
    root,
    h(
      'div',
      { class: 'app' },
      ui.rail,
      h('aside', { class: 'sidebar' }, ui.sideHead, ui.channels, ui.mePanel),
      h('main', { class: 'chat' }, ui.chatHead, ui.conn, ui.list, ui.typing, ui.composer),
      ui.members,
      ui.toast,
    ),
  );
}

// Typing notices expire; coming back to the tab reads what is on screen.
setInterval(renderTyping, 1000);
document.addEventListener('visibilitychange', () => ui && store && atBottom() && actions.ackLatest());

/** Which notices of the store each part of the screen draws. */
function subscribe() {
  const open = (id) => id === store.view.guildId;
  store.on(['view', 'guild', 'channel', 'dms', 'unread'], renderRail);
  store.on(['view', 'unread'], renderSidebar);
  store.on('guild', (id) => open(id) && renderSidebar());
  store.on('channel', (c) => open(c.guild_id || null) && renderSidebar());
  store.on('dms', () => open(null) && renderSidebar());
  store.on(['view', 'me'], renderMePanel);
  store.on(['view', 'open'], renderChatHead);
  store.on('guild', (id) => open(id) && (renderChatHead(), renderComposer()));
  store.on('channel', (c) => c.id === store.view.channelId && (renderChatHead(), renderComposer()));
  store.on(['view', 'me'], renderMembers);
  store.on(['guild', 'members'], (id) => open(id) && renderMembers());
  store.on('presence', () => store.view.guildId && renderMembers());
  store.on(['view', 'reply'], renderComposer);
  store.on('reply', () => store.replyTo && ui.input.focus());
  store.on(['open', 'typing'], renderTyping);
  store.on('open', openChannel);
  store.on('message', showMessage);
  store.on('arrived', (c, id) => atBottom() && actions.ack(c, id));
  store.on('deleted', (channelId, ids) => {
    if (channelId === store.view.channelId)
      for (const id of ids) ui.list.querySelector(`article[data-id="${id}"]`)?.remove();
  });
  store.on('connection', () => {
    const { state, readyBefore } = store.connection;
    ui.conn.textContent = state === 'connected' ? '' : state === 'connecting' && !readyBefore ? 'Connecting…' : 'Reconnecting…';
    ui.conn.hidden = state === 'connected';
  });
  store.on('toast', toast);
}

function railButton(key, label, text, { active, unread, onClick, extra = '' }) {
  return h(
    'button',
    {
      class: `rail-item${active ? ' active' : ''}${unread ? ' unread' : ''}${extra}`,
      'aria-label': unread ? `${label} (unread)` : label,
      title: label,
      'aria-current': active ? 'page' : null,
      dataset: { key },
      onClick,
    },
    text,
  );
}

function renderRail() {
  const guilds = [...store.guilds.values()].map((g) =>
    railButton(g.guild.id, g.guild.name, initials(g.guild.name) || '?', {
      active: store.view.guildId === g.guild.id,
      unread: [...g.channels.values()].some((c) => c.type === S.TEXT && S.isUnread(c)),
      onClick: () => actions.select(g.guild.id),
    }),
  );
  const dmUnread = [...store.channels.values()].some((c) => !c.guild_id && S.isUnread(c));
  replaceChildren(
    ui.rail,
    railButton('@me', 'Direct messages', '✉', { active: store.view.guildId === null, unread: dmUnread, onClick: () => actions.select(null) }),
    h('hr'),
    guilds,
    railButton('+create', 'Create a server', '+', { onClick: openCreateGuild, extra: ' action' }),
    railButton('+join', 'Join a server', '↪', { onClick: () => openJoin(''), extra: ' action' }),
  );
}

function channelButton(c, label) {
  const unread = S.isUnread(c);
  const active = store.view.channelId === c.id;
  const mentions = c.mention_count || 0;
  const parts = [label, unread ? 'unread' : null, mentions ? `${mentions} mention${mentions > 1 ? 's' : ''}` : null];
  return h(
    'li',
    {},
    h(
      'button',
      {
        class: `channel${active ? ' active' : ''}${unread ? ' unread' : ''}`,
        'aria-current': active ? 'page' : null,
        'aria-label': parts.filter(Boolean).join(', '),
        dataset: { key: c.id },
        onClick: () => actions.select(store.view.guildId, c.id),
      },
      h('span', { class: 'channel-name' }, c.guild_id ? `# ${c.name}` : label),
      mentions ? h('span', { class: 'badge', 'aria-hidden': 'true' }, String(mentions)) : null,
    ),
  );
}

function renderSidebar() {
  if (store.view.guildId === null) {
    const dms = S.sortedDms(store);
    replaceChildren(ui.sideHead, h('h1', {}, 'Direct messages'));
    replaceChildren(
      ui.channels,
      dms.length ? h('ul', {}, dms.map((c) => channelButton(c, S.dmName(store, c)))) : h('p', { class: 'hint' }, 'Open a DM from the member list of a server.'),
    );
    return;
  }
  const g = store.guilds.get(store.view.guildId);
  if (!g) return;
  replaceChildren(
    ui.sideHead,
    h('h1', {}, g.guild.name),
    h('button', { class: 'small', title: 'Invite people', 'aria-label': 'Invite people', onClick: openInvite }, 'Invite'),
    h('button', { class: 'icon', title: 'Create channel', 'aria-label': 'Create channel', onClick: openCreateChannel }, '#+'),
  );
  const all = [...g.channels.values()].sort((a, b) => a.position - b.position || (S.newer(a.id, b.id) ? 1 : -1));
  const text = all.filter((c) => c.type === S.TEXT);
  const groups = [{ id: null, name: null }, ...all.filter((c) => c.type === S.CATEGORY)].map((cat) => ({
    cat,
    items: text.filter((c) => (c.parent_id || null) === cat.id),
  }));
  replaceChildren(
    ui.channels,
    groups.map((gr) => [
        gr.cat.id ? h('h2', { class: 'category', id: `cat-${gr.cat.id}` }, gr.cat.name) : null,
        gr.items.length ? h('ul', { 'aria-labelledby': gr.cat.id ? `cat-${gr.cat.id}` : null }, gr.items.map((c) => channelButton(c, `#${c.name}`))) : null,
      ]),
  );
}

function renderMePanel() {
  const status = store.status;
  const choice = h(
    'select',
    {
      id: 'status-select',
      'aria-label': 'Status',
      onChange: (e) => actions.setStatus(e.target.value),
    },
    Object.entries(STATUSES).map(([value, label]) => h('option', { value, selected: value === status }, label)),
  );
  replaceChildren(
    ui.mePanel,
    avatar(store.me),
    h('div', { class: 'me-name' }, h('strong', {}, store.me.global_name || store.me.username), h('span', {}, store.me.username)),
    choice,
    h('button', { class: 'icon', title: 'Settings', 'aria-label': 'Settings', onClick: openSettings }, '⚙'),
    h('button', { class: 'icon', title: 'Log out', 'aria-label': 'Log out', onClick: actions.logout }, '⎋'),
  );
}

function renderChatHead() {
  const c = current(store);
  replaceChildren(
    ui.chatHead,
    c ? h('h2', {}, c.guild_id ? `# ${c.name}` : S.dmName(store, c)) : h('h2', {}, 'No channel'),
    c && c.topic ? h('p', { class: 'topic' }, c.topic) : null,
  );
}

function renderMembers() {
  ui.members.hidden = store.view.guildId === null;
  ui.members.parentElement?.classList.toggle('no-members', ui.members.hidden);
  const g = store.view.guildId && store.guilds.get(store.view.guildId);
  if (!g) return replaceChildren(ui.members);
  const rows = [...g.members.keys()].map((id) => ({ id, name: S.displayName(store, id, g.guild.id), status: store.presences.get(id) || 'offline' }));
  rows.sort((a, b) => a.name.localeCompare(b.name));
  const section = (title, list) =>
    list.length
      ? [
          h('h2', {}, `${title} — ${list.length}`),
          h(
            'ul',
            {},
            list.map((r) =>
              h(
                'li',
                {},
                h(
                  'button',
                  {
                    class: `member status-${r.status}`,
                    dataset: { key: r.id },
                    'aria-label': `${r.name}, ${r.status === 'dnd' ? 'do not disturb' : r.status}${r.id === store.me.id ? ' (you)' : ', send a message'}`,
                    onClick: () => r.id !== store.me.id && actions.openDm(r.id),
                  },
                  h('span', { class: 'avatar-wrap' }, avatar(store.users.get(r.id)), h('span', { class: 'dot', 'aria-hidden': 'true' })),
                  h('span', { class: 'member-name' }, r.name),
                ),
              ),
            ),
          ),
        ]
      : null;
  replaceChildren(
    ui.members,
    section(
      'Online',
      rows.filter((r) => r.status !== 'offline'),
    ),
    section(
      'Offline',
      rows.filter((r) => r.status === 'offline'),
    ),
  );
}

async function openChannel() {
  renderChatHead();
  renderTyping();
  const cid = store.view.channelId;
  if (!cid) return replaceChildren(ui.list, h('p', { class: 'hint' }, store.view.guildId ? 'This server has no text channel you can see.' : 'No direct messages yet.'));
  if (!store.messages.has(cid)) {
    replaceChildren(ui.list, h('p', { class: 'hint' }, 'Loading…'));
    try {
      await actions.loadMessages(cid);
    } catch (err) {
      if (store.view.channelId === cid) replaceChildren(ui.list, h('p', { class: 'hint' }, describe(err)));
      return;
    }
  }
  if (store.view.channelId !== cid) return;
  renderMessages();
  ui.list.scrollTop = ui.list.scrollHeight;
  actions.ackLatest();
  fillScreen();
}

/** Loads older pages until the list can scroll (or the channel's start is reached). */
async function fillScreen() {
  const entry = store.messages.get(store.view.channelId);
  if (entry && !entry.complete && ui.list.scrollHeight <= ui.list.clientHeight + 150) {
    await loadOlder();
    if (ui && store.messages.get(store.view.channelId)?.list.length > entry.list.length) fillScreen();
  }
}

async function loadOlder() {
  const cid = store.view.channelId;
  if (!(await actions.loadOlder(cid)) || !ui) return;
  if (store.view.channelId === cid) {
    const fromBottom = ui.list.scrollHeight - ui.list.scrollTop;
    renderMessages();
    ui.list.scrollTop = ui.list.scrollHeight - fromBottom;
  }
}

// ---- messages ----

function atBottom() {
  return ui.list.scrollHeight - ui.list.scrollTop - ui.list.clientHeight < 40;
}

function renderMessages() {
  const entry = store.messages.get(store.view.channelId);
  if (!entry) return;
  replaceChildren(
    ui.list,
    entry.complete ? h('p', { class: 'hint start' }, 'This is the beginning of the conversation.') : null,
    entry.list.map(messageEl),
  );
}

/** Shows m where it belongs in the open channel (replacing its old element). */
function showMessage(m) {
  if (m.channel_id !== store.view.channelId) return;
  const stick = atBottom();
  const old = ui.list.querySelector(`article[data-id="${m.id}"]`);
  const el = messageEl(m);
  if (old) {
    const hadFocus = old.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    old.replaceWith(el);
    if (hadFocus) el.querySelector(`[data-key="${CSS.escape(hadFocus)}"]`)?.focus();
  } else {
    const later = [...ui.list.querySelectorAll('article[data-id]')].find((a) => S.newer(a.dataset.id, m.id));
    ui.list.insertBefore(el, later || null);
  }
  if (stick) ui.list.scrollTop = ui.list.scrollHeight;
}

function messageEl(m) {
  const c = store.channels.get(m.channel_id);
  const gid = c && c.guild_id;
  const name = S.displayName(store, m.author.id, gid);
  const mine = m.author.id === store.me.id;
  const ref = m.referenced_message;
  const act = (key, label, onClick) => h('button', { type: 'button', dataset: { key }, onClick }, label);
  return h(
    'article',
    { class: `msg${S.mentionsMe(store, m) ? ' mentioned' : ''}`, dataset: { id: m.id }, 'aria-label': `${name}, ${formatTime(m.timestamp)}` },
    ref
      ? h('div', { class: 'reply-ref' }, '↱ ', h('strong', {}, S.displayName(store, ref.author.id, gid)), ' ', ref.content.length > 100 ? ref.content.slice(0, 100) + '…' : ref.content)
      : m.message_reference
        ? h('div', { class: 'reply-ref' }, '↱ The original message was deleted.')
        : null,
    h(
      'div',
      { class: 'msg-head' },
      avatar(store.users.get(m.author.id) || m.author),
      h('span', { class: 'author' }, name),
      h('time', { datetime: m.timestamp }, formatTime(m.timestamp)),
      m.edited_timestamp ? h('span', { class: 'edited' }, '(edited)') : null,
    ),
    store.editing === m.id ? editBox(m) : h('div', { class: 'content' }, renderContent(store, m.content, gid)),
    m.reactions && m.reactions.length
      ? h(
          'div',
          { class: 'reactions' },
          m.reactions.map((r) =>
            h(
              'button',
              {
                type: 'button',
                class: `reaction${r.me ? ' mine' : ''}`,
                'aria-pressed': r.me ? 'true' : 'false',
                'aria-label': `${r.emoji.name} ${r.count}`,
                dataset: { key: `r:${r.emoji.name}` },
                onClick: () => actions.react(m, r.emoji.name, !r.me),
              },
              `${r.emoji.name} ${r.count}`,
            ),
          ),
        )
      : null,
    store.reacting === m.id
      ? h(
          'div',
          { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
          REACTIONS.map((e) => h('button', { type: 'button', 'aria-label': `React with ${e}`, dataset: { key: `p:${e}` }, onClick: () => actions.react(m, e, true) }, e)),
        )
      : null,
    h(
      'div',
      { class: 'msg-actions' },
      act('reply', 'Reply', () => actions.replyTo(m)),
      act('react', 'React', () => actions.toggleReacting(m)),
      mine
        ? act('edit', 'Edit', () => {
            actions.startEdit(m);
            ui.list.querySelector(`article[data-id="${m.id}"] textarea`)?.focus();
          })
        : null,
      mine ? act('delete', 'Delete', () => actions.remove(m)) : null,
    ),
  );
}

function editBox(m) {
  const id = `edit-${m.id}`;
  const box = h('textarea', { id, class: 'edit', rows: 2, maxlength: 2000, value: m.content });
  const done = () => actions.stopEdit(m);
  const save = () => {
    const content = box.value.trim();
    if (!content || content === m.content) return done();
    return actions.edit(m, content);
  };
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') done();
  });
  return h(
    'div',
    { class: 'edit-wrap' },
    h('label', { for: id, class: 'sr-only' }, 'Edit message'),
    box,
    h('p', { class: 'hint' }, 'Enter to save, Escape to cancel'),
  );
}

// ---- the composer and typing ----

function buildComposer() {
  ui.replyBar = h('div', { class: 'reply-bar' });
  ui.input = h('textarea', { id: 'composer-input', rows: 1, maxlength: 2000, autocomplete: 'off' });
  ui.inputLabel = h('label', { for: 'composer-input', class: 'sr-only' }, 'Message');
  ui.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && store.replyTo) {
      actions.replyTo(null);
    }
  });
  ui.input.addEventListener('input', () => {
    const c = current(store);
    if (c && ui.input.value && Date.now() - ui.lastTyping > 8000) {
      ui.lastTyping = Date.now();
      actions.typing(c.id);
    }
  });
  ui.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  ui.composer.append(ui.replyBar, h('div', { class: 'compose-row' }, ui.inputLabel, ui.input, h('button', { type: 'submit', class: 'primary' }, 'Send')));
}

function renderComposer() {
  const c = current(store);
  const label = c ? `Message ${c.guild_id ? '#' + c.name : S.dmName(store, c)}` : 'Message';
  ui.inputLabel.textContent = label;
  ui.input.placeholder = label;
  ui.input.disabled = !c;
  const r = store.replyTo;
  replaceChildren(
    ui.replyBar,
    r
      ? [
          h('span', {}, 'Replying to ', h('strong', {}, S.displayName(store, r.author.id, c && c.guild_id))),
          h('button', { type: 'button', class: 'link', onClick: () => actions.replyTo(null) }, 'Cancel reply'),
        ]
      : null,
  );
  ui.replyBar.hidden = !r;
}

/** Sends what is in the composer; if it could not be sent, it comes back there. */
function send() {
  const content = ui.input.value.trim();
  if (!current(store) || !content) return;
  ui.input.value = '';
  ui.lastTyping = 0;
  actions.send(content).then((sent) => {
    if (!sent && ui && !ui.input.value) ui.input.value = content;
  });
}

function renderTyping() {
  if (!ui || !store) return;
  const now = Date.now();
  const who = [];
  for (const [userId, until] of store.typing.get(store.view.channelId) || []) {
    if (until > now) who.push(S.displayName(store, userId, current(store)?.guild_id));
    else store.typing.get(store.view.channelId).delete(userId);
  }
  const text = who.length === 0 ? '' : who.length === 1 ? `${who[0]} is typing…` : who.length < 4 ? `${who.join(', ')} are typing…` : 'Several people are typing…';
  if (ui.typing.textContent !== text) ui.typing.textContent = text;
}

// ---- dialogs ----

function dialog(title, body, { submitLabel, onSubmit }) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const dlg = h('dialog', { 'aria-label': title });
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, title),
    body,
    error,
    h(
      'div',
      { class: 'dialog-buttons' },
      h('button', { type: 'button', onClick: () => dlg.close() }, onSubmit ? 'Cancel' : 'Close'),
      onSubmit ? h('button', { type: 'submit', class: 'primary' }, submitLabel) : null,
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await onSubmit(new FormData(form));
      dlg.close();
    } catch (err) {
      error.textContent = describe(err);
    }
  });
  dlg.append(form);
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

function openCreateGuild() {
  dialog('Create a server', field('Server name', 'name', { maxlength: 100, value: `${store.me.global_name || store.me.username}'s server` }), {
    submitLabel: 'Create',
    onSubmit: (form) => actions.createGuild(form.get('name')),
  });
}

function openJoin(code) {
  dialog('Join a server', field('Invite link or code', 'invite', { value: code }), {
    submitLabel: 'Join',
    onSubmit: async (form) => {
      const given = String(form.get('invite')).trim();
      const parsed = given.split('/').filter(Boolean).pop() || '';
      await actions.joinGuild(parsed);
    },
  });
}

async function openInvite() {
  const c = current(store) && current(store).guild_id ? current(store) : store.channels.get(S.firstChannel(store, store.view.guildId));
  if (!c) return actions.notify('There is no channel to invite people to.');
  const invite = await actions.createInvite(c.id);
  if (!invite) return;
  const link = `${location.origin}/invite/${invite.code}`;
  const id = `invite-link-${++uid}`;
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

function openCreateChannel() {
  const guildId = store.view.guildId;
  dialog('Create a channel', field('Channel name', 'name', { maxlength: 100 }), {
    submitLabel: 'Create',
    onSubmit: (form) => actions.createChannel(guildId, form.get('name')),
  });
}

function openSettings() {
  dialog(
    'Settings',
    [
      field('Display name', 'global_name', { value: store.me.global_name || '', required: false, maxlength: 32 }),
      field('Avatar URL (https://…)', 'avatar', { type: 'url', value: store.me.avatar || '', required: false }),
    ],
    {
      submitLabel: 'Save',
      onSubmit: async (form) => {
        const globalName = String(form.get('global_name')).trim();
        const avatarUrl = String(form.get('avatar')).trim();
        await actions.saveSettings({ globalName, avatarUrl });
      },
    },
  );
}

// ---- start ----

if (token) startApp();
else showAuth(pendingInvite ? 'register' : 'login');
