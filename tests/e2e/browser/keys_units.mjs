// The keyboard's helpers on their own (no browser, no server): fuzzy matching, the sidebar's order and the steps
// Alt+Up/Down take through it, and what the quick switcher offers. Started by test_web_a11y.py; prints one line
// per check and "all checks passed".
import { strict as assert } from 'node:assert';
import { fuzzyFilter, fuzzyScore } from '../../../web/src/keys/fuzzy.js';
import { sidebarChannels, stepChannel } from '../../../web/src/keys/channel-order.js';
import { switcherItems, switcherResults } from '../../../web/src/keys/switcher-items.js';
import { addChannel, addGuild, createModel } from '../../../web/src/store/model.js';

/** A store with guild 1 (#general, a category "Work" holding #beta then #alpha by position, #zeta) and two DMs. */
function world() {
  const store = { ...createModel(), me: { id: '9' }, view: { guildId: '1', channelId: '10' } };
  addGuild(store, {
    id: '1',
    name: 'Home',
    channels: [
      { id: '10', type: 0, name: 'general', position: 0 },
      { id: '11', type: 4, name: 'Work', position: 1 },
      { id: '12', type: 0, name: 'alpha', position: 3, parent_id: '11' },
      { id: '13', type: 0, name: 'beta', position: 2, parent_id: '11' },
      { id: '14', type: 0, name: 'zeta', position: 4 },
    ],
  });
  addChannel(store, { id: '20', type: 1, recipients: [{ id: '7', username: 'bob' }], last_message_id: '30', last_read_message_id: '30' });
  addChannel(store, { id: '21', type: 1, recipients: [{ id: '8', username: 'carol' }], last_message_id: '40', last_read_message_id: '40' });
  return store;
}

const checks = {
  'fuzzy: letters in order match, others do not': () => {
    assert.notEqual(fuzzyScore('gnl', 'general'), null);
    assert.equal(fuzzyScore('lg', 'general'), null);
    assert.equal(fuzzyScore('x', 'general'), null);
    assert.equal(fuzzyScore('', 'anything'), 0);
    assert.notEqual(fuzzyScore('GEN', 'general'), null, 'case does not matter');
  },
  'fuzzy: a prefix and letters in a row rank first': () => {
    const items = ['off-topic', 'general-chat', 'gen', 'long-general'].map((label) => ({ label }));
    assert.deepEqual(fuzzyFilter(items, 'gen').map((i) => i.label), ['gen', 'general-chat', 'long-general']);
    assert.equal(fuzzyFilter(items, 'ot')[0].label, 'off-topic', 'word starts count');
    assert.equal(fuzzyFilter(items, '', 2).length, 2, 'the limit holds');
  },
  "the sidebar's order: uncategorised first, then each category by position": () => {
    assert.deepEqual(sidebarChannels(world()).map((c) => c.name), ['general', 'zeta', 'beta', 'alpha']);
    const store = world();
    store.view = { guildId: null, channelId: '21' };
    assert.deepEqual(sidebarChannels(store).map((c) => c.id), ['21', '20'], 'DMs: the most recent first');
  },
  'Alt+Up/Down steps and stops at the ends': () => {
    const store = world();
    assert.equal(stepChannel(store, 1).name, 'zeta');
    assert.equal(stepChannel(store, -1), null, 'nothing above the first');
    store.view.channelId = '12';
    assert.equal(stepChannel(store, 1), null, 'nothing below the last');
    assert.equal(stepChannel(store, -1).name, 'beta');
  },
  'Alt+Shift+Up/Down goes to the unread ones, round the list': () => {
    const store = world();
    assert.equal(stepChannel(store, 1, { unread: true }), null, 'none unread');
    store.channels.get('13').last_message_id = '50'; // beta
    store.channels.get('10').last_message_id = '60'; // general, the open one
    assert.equal(stepChannel(store, 1, { unread: true }).name, 'beta');
    assert.equal(stepChannel(store, -1, { unread: true }).name, 'beta', 'upwards, round from the top');
  },
  'the quick switcher offers DMs, guilds and channels; # @ * keep one kind': () => {
    const store = world();
    const items = switcherItems(store);
    assert.deepEqual(items.map((i) => i.label), ['carol', 'bob', 'Home', 'general', 'zeta', 'beta', 'alpha']);
    assert.deepEqual(switcherResults(items, '#ta').map((i) => i.label), ['zeta', 'beta']);
    assert.equal(switcherResults(items, 'alp')[0].label, 'alpha');
    assert.deepEqual(switcherResults(items, '@').map((i) => i.label), ['carol', 'bob']);
    assert.deepEqual(switcherResults(items, '* ho').map((i) => i.kind), ['guild']);
    const zeta = items.find((i) => i.label === 'zeta');
    assert.deepEqual([zeta.guildId, zeta.channelId, zeta.detail], ['1', '14', 'Home']);
    store.channels.get('12').last_message_id = '70';
    assert.equal(switcherResults(switcherItems(store), '')[0].label, 'Home', 'unread first when nothing is typed');
  },
};

let failed = 0;
for (const [name, check] of Object.entries(checks)) {
  try {
    check();
    console.log(`ok  ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAILED  ${name}: ${err.message}`);
  }
}
if (failed) process.exitCode = 1;
else console.log('all checks passed');
