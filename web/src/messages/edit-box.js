// The box that edits one's own message in place: Enter saves, Escape cancels.
import { h } from '../dom.js';

export function editBox({ actions }, m) {
  const id = `edit-${m.id}`;
  const box = h('textarea', { id, class: 'edit', rows: 2, maxlength: 2000, value: m.content });
  const done = () => actions.stopEdit(m);
  const save = () => {
    const content = box.value.trim();
    if (!content || content === m.content) return done();
    return actions.editMessage(m, content);
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
