// The web client's media helpers on their own (no browser, no server): CDN paths, default avatars, sizes,
// links, the box images are scaled into, emoji and reaction names. Started by test_web_media.py; prints one
// line per check and "all checks passed".
import { strict as assert } from 'node:assert';
import { avatarUrl, cdnSize, defaultAvatarUrl, emojiUrl, fitBox, formatSize, guildIconUrl, safeUrl } from '../../../web/src/media/cdn.js';
import { emojiMarkup } from '../../../web/src/emoji/emoji-picker.js';
import { attachmentKind, reactionParam } from '../../../web/src/messages/helpers.js';
import { ApiError } from '../../../web/src/api.js';

const checks = {
  'default avatars are (id >> 22) % 6': () => {
    const id = '1089302948217602048';
    assert.equal(defaultAvatarUrl(id), `/embed/avatars/${Number((BigInt(id) >> 22n) % 6n)}.png`);
    assert.equal(defaultAvatarUrl('175928847299117063'), `/embed/avatars/${Number((175928847299117063n >> 22n) % 6n)}.png`);
    assert.equal(avatarUrl({ id: '80351110224678912', avatar: null }), defaultAvatarUrl('80351110224678912'));
    assert.equal(defaultAvatarUrl('not a snowflake'), '/embed/avatars/0.png');
  },
  'avatar and icon paths by hash, animated ones as GIF': () => {
    const hash = '0123456789abcdef0123456789abcdef';
    assert.equal(avatarUrl({ id: '42', avatar: hash }, 32), `/avatars/42/${hash}.png?size=32`);
    assert.equal(avatarUrl({ id: '42', avatar: `a_${hash}` }, 80), `/avatars/42/a_${hash}.gif?size=128`);
    assert.equal(avatarUrl({ id: '42', avatar: '../../etc/passwd' }), defaultAvatarUrl('42'), 'no path out of a hash');
    assert.equal(guildIconUrl({ id: '7', icon: hash }, 48), `/icons/7/${hash}.png?size=64`);
    assert.equal(guildIconUrl({ id: '7', icon: null }), null);
    assert.equal(emojiUrl('99', true, 22), '/emojis/99.gif?size=32');
    assert.equal(emojiUrl('9/9'), null);
  },
  'sizes are the powers of two the CDN serves': () => {
    assert.equal(cdnSize(1), 16);
    assert.equal(cdnSize(32), 32);
    assert.equal(cdnSize(33), 64);
    assert.equal(cdnSize(100000), 4096);
  },
  'only http(s) links and same-origin paths are used': () => {
    assert.equal(safeUrl('javascript:alert(1)'), null);
    assert.equal(safeUrl('data:text/html,x'), null);
    assert.equal(safeUrl('//evil.example/x'), null);
    assert.equal(safeUrl('/attachments/1/2/a.png?ex=1'), '/attachments/1/2/a.png?ex=1');
    assert.equal(safeUrl('https://cdn.example/a.png'), 'https://cdn.example/a.png');
    assert.equal(safeUrl(42), null);
  },
  'images are scaled into the box, never up': () => {
    assert.deepEqual(fitBox(300, 200, 400, 300), { width: 300, height: 200 });
    assert.deepEqual(fitBox(1200, 600, 400, 300), { width: 400, height: 200 });
    assert.deepEqual(fitBox(100, 1000, 400, 300), { width: 30, height: 300 });
    assert.deepEqual(fitBox(100000, 1, 400, 300), { width: 400, height: 1 });
    assert.equal(fitBox(0, 10, 400, 300), null);
    assert.equal(fitBox(undefined, undefined, 400, 300), null);
  },
  'file sizes read as people read them': () => {
    assert.equal(formatSize(0), '0 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(70000), '68 KB');
    assert.equal(formatSize(25 * 1024 * 1024), '25 MB');
    assert.equal(formatSize(-1), '');
  },
  'what an attachment is drawn as comes from its content type': () => {
    assert.equal(attachmentKind({ content_type: 'image/png' }), 'image');
    assert.equal(attachmentKind({ content_type: 'video/mp4' }), 'video');
    assert.equal(attachmentKind({ content_type: 'image/svg+xml' }), 'file');
    assert.equal(attachmentKind({ content_type: 'text/html' }), 'file');
    assert.equal(attachmentKind({ content_type: 'application/octet-stream', width: 10, height: 10 }), 'file');
  },
  'custom emoji are written and reacted with as Discord names them': () => {
    assert.equal(emojiMarkup({ id: '5', name: 'blob' }), '<:blob:5>');
    assert.equal(emojiMarkup({ id: '5', name: 'dance', animated: true }), '<a:dance:5>');
    assert.equal(reactionParam({ id: '5', name: 'blob' }), 'blob:5');
    assert.equal(reactionParam({ id: null, name: '👍' }), '👍');
  },
  'a file over the limit reads as too large': () => {
    assert.match(new ApiError(413, { code: 40005, message: 'Request entity too large' }).describe(), /^File too large/);
    assert.match(new ApiError(400, { code: 50035, message: 'Invalid Form Body' }).describe(), /Invalid Form Body/);
  },
};

for (const [name, fn] of Object.entries(checks)) {
  fn();
  console.log(`ok  ${name}`);
}
console.log('all checks passed');
