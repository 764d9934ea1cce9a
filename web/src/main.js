// The SimpleDiscord web client: sign-in, then guilds, channels, messages and members, kept live by the gateway.
import { ApiError, createApi } from './api.js';
import { avatar, formatTime, initials, renderContent } from './content.js';
import { arrowKeys, h, replaceChildren } from './dom.js';
import { Gateway } from './gateway.js';
import * as S from './store.js';

const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'];
const STATUSES = { online: 'Online', idle: 'Idle', dnd: 'Do not disturb', invisible: 'Invisible' };

const root = document.getElementById('app');
let token = localStorage.getItem('token');
const api = createApi({ token: () => token, onUnauthorized: () => logout() });
let store = null;
let gateway = null;
let ui = null;
let view = { guildId: null, channelId: null };
const lastChannel = new Map(); // guild id ('@me' for DMs) -> channel id last open there
let pendingGuild = null; // a guild just created or joined: shown as soon as it arrives
let pendingInvite = inviteFromPath();
let uid = 0;

function inviteFromPath() {
  const m = location.pathname.match(/^\/invite\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

function describe(err) {
  return err instanceof ApiError ? err.describe() : String(err && err.message ? err.message : err);
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
  store = null;
  localStorage.removeItem('token');
  showAuth();
}

// ---- the main screen ----

async function startApp() {
  store = S.createStore();
  view = { guildId: null, channelId: null };
  try {
    store.me = await api.get('/users/@me');
  } catch (err) {
    if (err.status === 401) return; // logout() has shown the sign-in screen
    replaceChildren(root, h('main', { class: 'auth' }, h('p', { role: 'alert' }, describe(err))));
    return;
  }
  S.rememberUser(store, store.me);
  buildLayout();
  let readyBefore = false;
  gateway = new Gateway(api, token, {
    dispatch: (t, d) => {
      if (t === 'READY') {
        if (readyBefore) resync();
        readyBefore = true;
      }
      onDispatch(t, d);
    },
    state: (s) => {
      ui.conn.textContent = s === 'connected' ? '' : s === 'connecting' && !readyBefore ? 'Connecting…' : 'Reconnecting…';
      ui.conn.hidden = s === 'connected';
    },
    fatal: (code) => (code === 4004 ? logout() : toast('The gateway refused this session.')),
  });
  gateway.start();
  loadDms();
  renderAll();
  if (pendingInvite) {
    const code = pendingInvite;
    pendingInvite = null;
    history.replaceState(null, '', '/');
    openJoin(code);
  }
}

/** After a new IDENTIFY (not a resume) events may have been missed: reload what is on screen. */
function resync() {
  store.messages.clear();
  store.typing.clear();
  loadDms();
  openChannel();
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
    editing: null,
    reacting: null,
    replyTo: null,
    loadingOlder: false,
    lastTyping: 0,
  };
  arrowKeys(ui.rail, 'button');
  arrowKeys(ui.channels, 'button.channel');
  arrowKeys(ui.members, 'button.member');
  ui.list.addEventListener('scroll', () => {
    if (ui.list.scrollTop < 150) loadOlder();
    if (atBottom()) ackLatest();
  });
  buildComposer();
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
document.addEventListener('visibilitychange', () => ui && store && atBottom() && ackLatest());

function renderAll() {
  renderRail();
  renderSidebar();
  renderMePanel();
  renderChatHead();
  renderMembers();
  renderComposer();
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
      active: view.guildId === g.guild.id,
      unread: [...g.channels.values()].some((c) => c.type === S.TEXT && S.isUnread(c)),
      onClick: () => select(g.guild.id),
    }),
  );
  const dmUnread = [...store.channels.values()].some((c) => !c.guild_id && S.isUnread(c));
  replaceChildren(
    ui.rail,
    railButton('@me', 'Direct messages', '✉', { active: view.guildId === null, unread: dmUnread, onClick: () => select(null) }),
    h('hr'),
    guilds,
    railButton('+create', 'Create a server', '+', { onClick: openCreateGuild, extra: ' action' }),
    railButton('+join', 'Join a server', '↪', { onClick: () => openJoin(''), extra: ' action' }),
  );
}

function dmName(c) {
  const others = (c.recipients || []).filter((u) => u.id !== store.me.id);
  return c.name || others.map((u) => S.displayName(store, u.id)).join(', ') || 'Just you';
}

function channelButton(c, label) {
  const unread = S.isUnread(c);
  const active = view.channelId === c.id;
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
        onClick: () => select(view.guildId, c.id),
      },
      h('span', { class: 'channel-name' }, c.guild_id ? `# ${c.name}` : label),
      mentions ? h('span', { class: 'badge', 'aria-hidden': 'true' }, String(mentions)) : null,
    ),
  );
}

function renderSidebar() {
  if (view.guildId === null) {
    const dms = [...store.channels.values()]
      .filter((c) => !c.guild_id)
      .sort((a, b) => (S.newer(a.last_message_id || a.id, b.last_message_id || b.id) ? -1 : 1));
    replaceChildren(ui.sideHead, h('h1', {}, 'Direct messages'));
    replaceChildren(
      ui.channels,
      dms.length ? h('ul', {}, dms.map((c) => channelButton(c, dmName(c)))) : h('p', { class: 'hint' }, 'Open a DM from the member list of a server.'),
    );
    return;
  }
  const g = store.guilds.get(view.guildId);
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
  const status = gateway ? gateway.status : 'online';
  const select = h(
    'select',
    {
      id: 'status-select',
      'aria-label': 'Status',
      onChange: (e) => {
        gateway.setStatus(e.target.value);
        S.setPresence(store, store.me.id, e.target.value === 'invisible' ? 'offline' : e.target.value);
        renderMembers();
      },
    },
    Object.entries(STATUSES).map(([value, label]) => h('option', { value, selected: value === status }, label)),
  );
  replaceChildren(
    ui.mePanel,
    avatar(store.me),
    h('div', { class: 'me-name' }, h('strong', {}, store.me.global_name || store.me.username), h('span', {}, store.me.username)),
    select,
    h('button', { class: 'icon', title: 'Settings', 'aria-label': 'Settings', onClick: openSettings }, '⚙'),
    h('button', { class: 'icon', title: 'Log out', 'aria-label': 'Log out', onClick: logout }, '⎋'),
  );
}

function currentChannel() {
  return view.channelId ? store.channels.get(view.channelId) : null;
}

function renderChatHead() {
  const c = currentChannel();
  replaceChildren(
    ui.chatHead,
    c ? h('h2', {}, c.guild_id ? `# ${c.name}` : dmName(c)) : h('h2', {}, 'No channel'),
    c && c.topic ? h('p', { class: 'topic' }, c.topic) : null,
  );
}

function renderMembers() {
  ui.members.hidden = view.guildId === null;
  ui.members.parentElement?.classList.toggle('no-members', ui.members.hidden);
  const g = view.guildId && store.guilds.get(view.guildId);
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
                    onClick: () => r.id !== store.me.id && openDm(r.id),
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

// ---- choosing what is on screen ----

function firstChannel(guildId) {
  if (guildId === null) {
    const dms = [...store.channels.values()].filter((c) => !c.guild_id);
    dms.sort((a, b) => (S.newer(a.last_message_id || a.id, b.last_message_id || b.id) ? -1 : 1));
    return dms[0]?.id || null;
  }
  const g = store.guilds.get(guildId);
  const text = g ? [...g.channels.values()].filter((c) => c.type === S.TEXT).sort((a, b) => a.position - b.position) : [];
  return text[0]?.id || null;
}

function select(guildId, channelId) {
  const key = guildId ?? '@me';
  if (!channelId) {
    const remembered = lastChannel.get(key);
    channelId = remembered && store.channels.has(remembered) ? remembered : firstChannel(guildId);
  }
  const changed = view.channelId !== channelId;
  view = { guildId, channelId: channelId || null };
  lastChannel.set(key, view.channelId);
  if (changed) {
    ui.editing = ui.reacting = ui.replyTo = null;
  }
  renderAll();
  if (changed) openChannel();
}

async function openChannel() {
  renderChatHead();
  renderTyping();
  const cid = view.channelId;
  if (!cid) return replaceChildren(ui.list, h('p', { class: 'hint' }, view.guildId ? 'This server has no text channel you can see.' : 'No direct messages yet.'));
  if (!store.messages.has(cid)) {
    replaceChildren(ui.list, h('p', { class: 'hint' }, 'Loading…'));
    try {
      const page = await api.get(`/channels/${cid}/messages?limit=50`);
      S.addMessages(store, cid, page, { complete: page.length < 50 });
    } catch (err) {
      if (view.channelId === cid) replaceChildren(ui.list, h('p', { class: 'hint' }, describe(err)));
      return;
    }
  }
  if (view.channelId !== cid) return;
  renderMessages();
  ui.list.scrollTop = ui.list.scrollHeight;
  ackLatest();
  fillScreen();
}

/** Loads older pages until the list can scroll (or the channel's start is reached). */
async function fillScreen() {
  const entry = store.messages.get(view.channelId);
  if (entry && !entry.complete && ui.list.scrollHeight <= ui.list.clientHeight + 150) {
    await loadOlder();
    if (ui && store.messages.get(view.channelId)?.list.length > entry.list.length) fillScreen();
  }
}

async function loadOlder() {
  const cid = view.channelId;
  const entry = cid && store.messages.get(cid);
  if (!entry || entry.complete || ui.loadingOlder) return;
  ui.loadingOlder = true;
  try {
    const oldest = entry.list[0];
    const page = await api.get(`/channels/${cid}/messages?limit=50${oldest ? `&before=${oldest.id}` : ''}`);
    S.addMessages(store, cid, page, { complete: page.length < 50 });
    if (view.channelId === cid) {
      const fromBottom = ui.list.scrollHeight - ui.list.scrollTop;
      renderMessages();
      ui.list.scrollTop = ui.list.scrollHeight - fromBottom;
    }
  } catch (err) {
    toast(describe(err));
  } finally {
    if (ui) ui.loadingOlder = false;
  }
}

// ---- messages ----

function atBottom() {
  return ui.list.scrollHeight - ui.list.scrollTop - ui.list.clientHeight < 40;
}

function renderMessages() {
  const entry = store.messages.get(view.channelId);
  if (!entry) return;
  replaceChildren(
    ui.list,
    entry.complete ? h('p', { class: 'hint start' }, 'This is the beginning of the conversation.') : null,
    entry.list.map(messageEl),
  );
}

/** Shows m where it belongs in the open channel (replacing its old element). */
function showMessage(m) {
  if (m.channel_id !== view.channelId) return;
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
    ui.editing === m.id ? editBox(m) : h('div', { class: 'content' }, renderContent(store, m.content, gid)),
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
                onClick: () => react(m, r.emoji.name, !r.me),
              },
              `${r.emoji.name} ${r.count}`,
            ),
          ),
        )
      : null,
    ui.reacting === m.id
      ? h(
          'div',
          { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
          REACTIONS.map((e) => h('button', { type: 'button', 'aria-label': `React with ${e}`, dataset: { key: `p:${e}` }, onClick: () => react(m, e, true) }, e)),
        )
      : null,
    h(
      'div',
      { class: 'msg-actions' },
      act('reply', 'Reply', () => {
        ui.replyTo = m;
        renderComposer();
        ui.input.focus();
      }),
      act('react', 'React', () => {
        ui.reacting = ui.reacting === m.id ? null : m.id;
        showMessage(m);
      }),
      mine
        ? act('edit', 'Edit', () => {
            ui.editing = m.id;
            showMessage(m);
            ui.list.querySelector(`article[data-id="${m.id}"] textarea`)?.focus();
          })
        : null,
      mine ? act('delete', 'Delete', () => deleteMessage(m)) : null,
    ),
  );
}

function editBox(m) {
  const id = `edit-${m.id}`;
  const box = h('textarea', { id, class: 'edit', rows: 2, maxlength: 2000, value: m.content });
  const done = () => {
    ui.editing = null;
    showMessage(S.findMessage(store, m.channel_id, m.id) || m);
  };
  const save = async () => {
    const content = box.value.trim();
    if (!content || content === m.content) return done();
    try {
      const updated = await api.patch(`/channels/${m.channel_id}/messages/${m.id}`, { content });
      ui.editing = null;
      onMessageUpdate(updated);
    } catch (err) {
      toast(describe(err));
    }
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

async function react(m, emoji, add) {
  ui.reacting = null;
  showMessage(m);
  const path = `/channels/${m.channel_id}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}/@me`;
  try {
    await (add ? api.put(path) : api.del(path));
  } catch (err) {
    toast(describe(err));
  }
}

async function deleteMessage(m) {
  try {
    await api.del(`/channels/${m.channel_id}/messages/${m.id}`);
    onMessageDelete(m.channel_id, [m.id]);
  } catch (err) {
    toast(describe(err));
  }
}

function onMessage(m) {
  const c = store.channels.get(m.channel_id);
  S.rememberUser(store, m.author);
  store.typing.get(m.channel_id)?.delete(m.author.id);
  if (store.messages.has(m.channel_id)) {
    const known = !!S.findMessage(store, m.channel_id, m.id);
    S.addMessages(store, m.channel_id, [m]);
    if (!known) showMessage(S.findMessage(store, m.channel_id, m.id));
  }
  if (!c) {
    if (!m.guild_id) loadDms();
    return;
  }
  if (S.newer(m.id, c.last_message_id)) c.last_message_id = m.id;
  const viewing = view.channelId === c.id && document.visibilityState === 'visible';
  if (m.author.id === store.me.id || (viewing && atBottom())) {
    ack(c, m.id);
  } else if (!viewing && (S.mentionsMe(store, m) || !c.guild_id) && !c.counted?.has(m.id)) {
    c.mention_count = (c.mention_count || 0) + 1;
    (c.counted ||= new Set()).add(m.id);
  }
  renderRail();
  renderSidebar();
  renderTyping();
}

function onMessageUpdate(d) {
  const m = S.findMessage(store, d.channel_id, d.id);
  if (!m) return;
  Object.assign(m, d);
  showMessage(m);
}

function onMessageDelete(channelId, ids) {
  const entry = store.messages.get(channelId);
  if (entry) entry.list = entry.list.filter((m) => !ids.includes(m.id));
  // A deleted message can no longer be acknowledged: the newest one left stands for it.
  const c = store.channels.get(channelId);
  const pending = acks.get(channelId);
  if (c && ids.includes(c.last_message_id)) c.last_message_id = entry?.list.at(-1)?.id ?? null;
  if (pending && ids.includes(pending.messageId)) {
    clearTimeout(pending.timer);
    acks.delete(channelId);
  }
  if (channelId === view.channelId)
    for (const id of ids) ui.list.querySelector(`article[data-id="${id}"]`)?.remove();
}

const acks = new Map(); // channel id -> {timer, messageId}: acks wait a moment so that a burst sends one
function ack(c, messageId) {
  if (!S.newer(messageId, c.last_read_message_id)) return;
  c.last_read_message_id = messageId;
  c.mention_count = 0;
  clearTimeout(acks.get(c.id)?.timer);
  const timer = setTimeout(() => {
    acks.delete(c.id);
    api.post(`/channels/${c.id}/messages/${messageId}/ack`, {}).catch(() => {});
  }, 400);
  acks.set(c.id, { timer, messageId });
  renderRail();
  renderSidebar();
}

function ackLatest() {
  const c = currentChannel();
  if (c && c.last_message_id && document.visibilityState === 'visible') ack(c, c.last_message_id);
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
    } else if (e.key === 'Escape' && ui.replyTo) {
      ui.replyTo = null;
      renderComposer();
    }
  });
  ui.input.addEventListener('input', () => {
    const c = currentChannel();
    if (c && ui.input.value && Date.now() - ui.lastTyping > 8000) {
      ui.lastTyping = Date.now();
      api.post(`/channels/${c.id}/typing`, {}).catch(() => {});
    }
  });
  ui.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  ui.composer.append(ui.replyBar, h('div', { class: 'compose-row' }, ui.inputLabel, ui.input, h('button', { type: 'submit', class: 'primary' }, 'Send')));
}

function renderComposer() {
  const c = currentChannel();
  const label = c ? `Message ${c.guild_id ? '#' + c.name : dmName(c)}` : 'Message';
  ui.inputLabel.textContent = label;
  ui.input.placeholder = label;
  ui.input.disabled = !c;
  const r = ui.replyTo;
  replaceChildren(
    ui.replyBar,
    r
      ? [
          h('span', {}, 'Replying to ', h('strong', {}, S.displayName(store, r.author.id, c && c.guild_id))),
          h('button', { type: 'button', class: 'link', onClick: () => ((ui.replyTo = null), renderComposer()) }, 'Cancel reply'),
        ]
      : null,
  );
  ui.replyBar.hidden = !r;
}

function nonce() {
  return String(BigInt(Date.now()) * 4194304n + BigInt(Math.floor(Math.random() * 4194304)));
}

// Messages go out one after another, in the order they were written, even when the server makes some wait.
let sending = Promise.resolve();

function send() {
  const c = currentChannel();
  const content = ui.input.value.trim();
  if (!c || !content) return;
  const body = { content, nonce: nonce(), enforce_nonce: true };
  if (ui.replyTo) body.message_reference = { message_id: ui.replyTo.id, channel_id: c.id, fail_if_not_exists: false };
  ui.input.value = '';
  ui.replyTo = null;
  ui.lastTyping = 0;
  renderComposer();
  sending = sending.then(() => deliver(c, body, content));
}

async function deliver(c, body, content) {
  for (let attempt = 0; ; attempt++) {
    try {
      onMessage(await api.post(`/channels/${c.id}/messages`, body));
      return;
    } catch (err) {
      // A lost connection is retried with the same nonce: the server answers a repeat with the first message.
      if (err instanceof ApiError && err.status === 0 && attempt < 3) {
        await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        continue;
      }
      if (!ui.input.value) ui.input.value = content;
      toast(describe(err));
      return;
    }
  }
}

function renderTyping() {
  if (!ui || !store) return;
  const now = Date.now();
  const who = [];
  for (const [userId, until] of store.typing.get(view.channelId) || []) {
    if (until > now) who.push(S.displayName(store, userId, currentChannel()?.guild_id));
    else store.typing.get(view.channelId).delete(userId);
  }
  const text = who.length === 0 ? '' : who.length === 1 ? `${who[0]} is typing…` : who.length < 4 ? `${who.join(', ')} are typing…` : 'Several people are typing…';
  if (ui.typing.textContent !== text) ui.typing.textContent = text;
}

// ---- loading ----

async function loadDms() {
  try {
    for (const c of await api.get('/users/@me/channels')) S.addChannel(store, c);
    if (ui) {
      renderRail();
      if (view.guildId === null) {
        if (!view.channelId) select(null);
        else renderSidebar();
      }
    }
  } catch (err) {
    toast(describe(err));
  }
}

/** Read states come with the REST channel list; members (beyond one's own) from the member list. */
async function loadGuildExtras(guildId) {
  try {
    const [channels, members] = await Promise.all([api.get(`/guilds/${guildId}/channels`), api.get(`/guilds/${guildId}/members?limit=1000`)]);
    if (!store.guilds.has(guildId)) return;
    for (const c of channels) S.addChannel(store, c);
    for (const m of members) S.addMember(store, guildId, m);
    renderRail();
    if (view.guildId === guildId) {
      renderSidebar();
      renderMembers();
    }
  } catch (err) {
    toast(describe(err));
  }
}

// ---- gateway events ----

function onDispatch(t, d) {
  const g = d && d.guild_id ? store.guilds.get(d.guild_id) : null;
  switch (t) {
    case 'READY':
      S.rememberUser(store, d.user);
      renderMePanel();
      break;
    case 'GUILD_CREATE':
      S.addGuild(store, d);
      loadGuildExtras(d.id);
      if (pendingGuild === d.id || (view.guildId === null && !view.channelId && store.guilds.size === 1)) {
        pendingGuild = null;
        select(d.id);
      } else {
        renderRail();
        if (view.guildId === d.id) renderAll();
      }
      break;
    case 'GUILD_UPDATE': {
      const known = store.guilds.get(d.id);
      if (known) known.guild = { ...known.guild, ...d };
      renderRail();
      if (view.guildId === d.id) renderSidebar();
      break;
    }
    case 'GUILD_DELETE':
      S.removeGuild(store, d.id);
      if (view.guildId === d.id) select(null);
      else renderRail();
      break;
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
      S.addChannel(store, d);
      renderRail();
      if ((d.guild_id || null) === view.guildId) renderSidebar();
      if (d.id === view.channelId) {
        renderChatHead();
        renderComposer();
      }
      break;
    case 'CHANNEL_DELETE':
      S.removeChannel(store, d.id);
      if (d.id === view.channelId) select(view.guildId);
      else if ((d.guild_id || null) === view.guildId) renderSidebar();
      break;
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE':
      S.addMember(store, d.guild_id, d);
      if (view.guildId === d.guild_id) renderMembers();
      break;
    case 'GUILD_MEMBER_REMOVE':
      if (g) g.members.delete(d.user.id);
      if (view.guildId === d.guild_id) renderMembers();
      break;
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE':
      if (g) g.roles.set(d.role.id, d.role);
      break;
    case 'GUILD_ROLE_DELETE':
      if (g) g.roles.delete(d.role_id);
      break;
    case 'MESSAGE_CREATE':
      onMessage(d);
      break;
    case 'MESSAGE_UPDATE':
      onMessageUpdate(d);
      break;
    case 'MESSAGE_DELETE':
      onMessageDelete(d.channel_id, [d.id]);
      break;
    case 'MESSAGE_DELETE_BULK':
      onMessageDelete(d.channel_id, d.ids);
      break;
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE': {
      const m = S.reactionChanged(store, d, t === 'MESSAGE_REACTION_ADD');
      if (m) showMessage(m);
      break;
    }
    case 'TYPING_START':
      if (d.user_id !== store.me.id) {
        if (d.member && d.member.user) S.rememberUser(store, d.member.user);
        if (!store.typing.has(d.channel_id)) store.typing.set(d.channel_id, new Map());
        store.typing.get(d.channel_id).set(d.user_id, Date.now() + 10000);
        renderTyping();
      }
      break;
    case 'PRESENCE_UPDATE':
      S.setPresence(store, d.user.id, d.status);
      if (view.guildId) renderMembers();
      break;
    case 'USER_UPDATE':
      S.rememberUser(store, d);
      renderMePanel();
      renderMembers();
      break;
    default:
      break;
  }
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
    onSubmit: async (form) => {
      const guild = await api.post('/guilds', { name: form.get('name') });
      pendingGuild = guild.id;
      if (store.guilds.has(guild.id)) select(guild.id);
    },
  });
}

function openJoin(code) {
  dialog('Join a server', field('Invite link or code', 'invite', { value: code }), {
    submitLabel: 'Join',
    onSubmit: async (form) => {
      const given = String(form.get('invite')).trim();
      const parsed = given.split('/').filter(Boolean).pop() || '';
      const invite = await api.post(`/invites/${encodeURIComponent(parsed)}`, {});
      const guildId = invite.guild && invite.guild.id;
      if (guildId && store.guilds.has(guildId)) select(guildId);
      else pendingGuild = guildId;
    },
  });
}

async function openInvite() {
  const c = currentChannel() && currentChannel().guild_id ? currentChannel() : store.channels.get(firstChannel(view.guildId));
  if (!c) return toast('There is no channel to invite people to.');
  let invite;
  try {
    invite = await api.post(`/channels/${c.id}/invites`, { max_age: 604800, max_uses: 0 });
  } catch (err) {
    return toast(describe(err));
  }
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
  const guildId = view.guildId;
  dialog('Create a channel', field('Channel name', 'name', { maxlength: 100 }), {
    submitLabel: 'Create',
    onSubmit: async (form) => {
      const c = await api.post(`/guilds/${guildId}/channels`, { name: form.get('name'), type: S.TEXT });
      S.addChannel(store, c);
      select(guildId, c.id);
    },
  });
}

async function openDm(userId) {
  try {
    const c = await api.post('/users/@me/channels', { recipient_id: userId });
    S.addChannel(store, c);
    select(null, c.id);
  } catch (err) {
    toast(describe(err));
  }
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
        const me = await api.patch('/users/@me', { global_name: globalName || null, avatar: avatarUrl || null });
        S.rememberUser(store, me);
        renderMePanel();
        renderMembers();
      },
    },
  );
}

// ---- start ----

if (token) startApp();
else showAuth(pendingInvite ? 'register' : 'login');
