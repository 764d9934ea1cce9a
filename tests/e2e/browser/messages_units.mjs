// The message list's layout rules on their own (no browser, no server): groups (one author, seven minutes, a
// reply or a system message or a new day breaking them), day separators and the first unread message. Started
// by test_web_messages.py; prints one line per check and "all checks passed".
import { strict as assert } from 'node:assert';
import { after, buildRows, firstUnreadIndex, startsDay, startsGroup } from '../../../web/src/messages/rows.js';

const at = (iso, id, author = 'a', extra = {}) => ({ id, author: { id: author }, timestamp: iso, type: 0, ...extra });
const day1 = (hm, id, author, extra) => at(new Date(2026, 0, 1, ...hm).toISOString(), id, author, extra);

const checks = {
  'one author within seven minutes is one group': () => {
    assert.equal(startsGroup(day1([10, 0], '1'), day1([10, 6], '2')), false);
    assert.equal(startsGroup(day1([10, 0], '1'), day1([10, 7, 1], '2')), true, 'past seven minutes');
    assert.equal(startsGroup(day1([10, 0], '1'), day1([10, 1], '2', 'b')), true, 'another author');
    assert.equal(startsGroup(null, day1([10, 0], '1')), true, 'the first message');
  },
  'a reply or a system message breaks a group': () => {
    assert.equal(startsGroup(day1([10, 0], '1'), day1([10, 1], '2', 'a', { message_reference: { message_id: '1' } })), true);
    assert.equal(startsGroup(day1([10, 0], '1'), day1([10, 1], '2', 'a', { type: 7 })), true);
    assert.equal(startsGroup(day1([10, 0], '1', 'a', { type: 7 }), day1([10, 1], '2')), true);
  },
  'a new day separates and breaks a group': () => {
    const late = day1([23, 58], '1');
    const early = at(new Date(2026, 0, 2, 0, 1).toISOString(), '2');
    assert.equal(startsDay(late, early), true);
    assert.equal(startsGroup(late, early), true);
    assert.equal(startsDay(day1([1, 0], '1'), day1([23, 0], '2')), false);
  },
  'rows: heads, separators (the first one only at the channel start), the divider': () => {
    const list = [day1([9, 0], '10'), day1([9, 1], '11'), at(new Date(2026, 0, 2, 9).toISOString(), '12'), at(new Date(2026, 0, 2, 9, 1).toISOString(), '13', 'b')];
    const rows = buildRows(list, 0, 4, { complete: true, unreadAt: 1 });
    assert.deepEqual(rows.map((r) => [r.head, r.day, r.unread]), [
      [true, true, false],
      [true, false, true],
      [true, true, false],
      [true, false, false],
    ]);
    assert.equal(buildRows(list, 0, 1)[0].day, false, 'not at the start: no separator above the first loaded');
    assert.equal(buildRows(list, 1, 2)[0].head, false, 'a window keeps the group of what is before it');
  },
  'the first unread message: newer than the read state, not one of mine': () => {
    const list = ['5', '9', '10', '11', '100'].map((id, i) => at('2026-01-01T00:00:00Z', id, i === 2 ? 'me' : 'b'));
    assert.equal(firstUnreadIndex(list, '9', 'me'), 3, 'my own message is not unread');
    assert.equal(firstUnreadIndex(list, null, 'me'), 0, 'never read: all of it');
    assert.equal(firstUnreadIndex(list, undefined, 'me'), -1, 'read state unknown: no divider');
    assert.equal(firstUnreadIndex(list, '100', 'me'), -1);
    assert.equal(after('100', '99'), true);
    assert.equal(after('99', '100'), false);
  },
};

for (const [name, fn] of Object.entries(checks)) {
  fn();
  console.log(`ok  ${name}`);
}
console.log('all checks passed');
