// The unread state the rail shows, on its own (no browser, no server): a guild is unread when one of its text
// channels has a message newer than its read state, its badge is the sum of their mention counts, the DMs'
// likewise. Started by test_web_structure.py; prints one line per check and "all checks passed".
import { strict as assert } from 'node:assert';
import { addChannel, addGuild, CATEGORY, dmMentions, dmUnread, guildMentions, guildUnread, TEXT, unreadChannels } from '../../../web/src/store/model.js';
import { createStore } from '../../../web/src/store/store.js';

function fixture() {
  const store = createStore();
  store.me = { id: '1', username: 'me' };
  addGuild(store, {
    id: '100',
    name: 'G',
    channels: [
      { id: '101', type: TEXT, name: 'read', last_message_id: '500' },
      { id: '102', type: TEXT, name: 'new', last_message_id: '600' },
      { id: '103', type: CATEGORY, name: 'cat', last_message_id: '900' },
      { id: '104', type: TEXT, name: 'empty', last_message_id: null },
    ],
  });
  addGuild(store, { id: '200', name: 'H', channels: [{ id: '201', type: TEXT, name: 'x', last_message_id: '700' }] });
  // The read states, as GET /guilds/{id}/channels brings them.
  addChannel(store, { id: '101', guild_id: '100', type: TEXT, last_message_id: '500', last_read_message_id: '500', mention_count: 0 });
  addChannel(store, { id: '102', guild_id: '100', type: TEXT, last_message_id: '600', last_read_message_id: '550', mention_count: 2 });
  addChannel(store, { id: '201', guild_id: '200', type: TEXT, last_message_id: '700', last_read_message_id: '700', mention_count: 0 });
  return store;
}

const checks = {
  'a guild with a channel newer than its read state is unread': () => {
    const store = fixture();
    assert.equal(guildUnread(store, '100'), true);
    assert.deepEqual(unreadChannels(store, '100').map((c) => c.id), ['102'], 'categories and empty channels are not');
    assert.equal(guildUnread(store, '200'), false);
    assert.equal(guildUnread(store, 'nope'), false);
  },
  'the mention badge is the sum of the mention counts': () => {
    const store = fixture();
    addChannel(store, { id: '101', guild_id: '100', type: TEXT, last_message_id: '800', last_read_message_id: '500', mention_count: 3 });
    assert.equal(guildMentions(store, '100'), 5);
    assert.equal(guildMentions(store, '200'), 0);
    assert.equal(guildMentions(store, 'nope'), 0);
  },
  'reading every channel clears the guild': () => {
    const store = fixture();
    const c = store.channels.get('102');
    c.last_read_message_id = c.last_message_id;
    c.mention_count = 0;
    assert.equal(guildUnread(store, '100'), false);
    assert.equal(guildMentions(store, '100'), 0);
  },
  "the DMs' badge counts their messages; guild channels are not DMs": () => {
    const store = fixture();
    assert.equal(dmUnread(store), false);
    addChannel(store, { id: '301', type: 1, recipients: [{ id: '2', username: 'them' }], last_message_id: '900', last_read_message_id: '800', mention_count: 2 });
    addChannel(store, { id: '302', type: 1, recipients: [{ id: '3', username: 'other' }], last_message_id: '950', last_read_message_id: '950', mention_count: 0 });
    assert.equal(dmUnread(store), true);
    assert.equal(dmMentions(store), 2);
  },
};

for (const [name, check] of Object.entries(checks)) {
  check();
  console.log(`ok  ${name}`);
}
console.log('all checks passed');
