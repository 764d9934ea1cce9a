// The box that edits one's own message in place: Enter saves, Escape cancels. It takes the focus when it opens.
import { useEffect, useRef, useState } from 'preact/hooks';

export function EditBox({ ctx, m }) {
  const { actions } = ctx;
  const [text, setText] = useState(m.content);
  const box = useRef(null);
  useEffect(() => box.current?.focus(), []);
  const id = `edit-${m.id}`;
  const done = () => actions.stopEdit(m);
  const save = () => {
    const content = text.trim();
    if (!content || content === m.content) return done();
    return actions.editMessage(m, content);
  };
  const onKeyDown = (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') {
      e.stopPropagation(); // not the list's Escape (mark as read)
      done();
    }
  };
  return (
    <div class="edit-wrap">
      <label for={id} class="sr-only">
        Edit message
      </label>
      <textarea ref={box} id={id} class="edit" rows={2} maxlength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} onKeyDown={onKeyDown} />
      <p class="hint">Enter to save, Escape to cancel</p>
    </div>
  );
}
