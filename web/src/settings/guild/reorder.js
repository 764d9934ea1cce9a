// Reordering a list by pointer drag (a row's handle is pressed, the row follows to where it is let go) and by
// keyboard (Alt+Up/Down on the row), for the roles and channels lists. Rows are the list element's children
// with a data-row attribute; a drop is told as (from, slot): the row at index from goes into the gap before
// the row at index slot (slot = the number of rows: after the last).
import { useRef, useState } from 'preact/hooks';

/** Answers the list after moving the item at from into slot (the list itself when nothing moves). */
export function moved(list, from, slot) {
  if (slot === from || slot === from + 1) return list;
  const out = list.slice();
  const [item] = out.splice(from, 1);
  out.splice(slot > from ? slot - 1 : slot, 0, item);
  return out;
}

/** onDrop(from, slot) is called when a drag ends over another place. Answers {listRef, over, dragging,
 * handle(index)}: listRef goes on the list, handle(index) are the props of row index's drag handle, over is the
 * slot the dragged row would go to (for the drop mark). */
export function useDragReorder(onDrop) {
  const listRef = useRef(null);
  const from = useRef(null);
  const [drag, setDrag] = useState(null); // {from, over}

  function slotAt(y) {
    const rows = listRef.current ? [...listRef.current.querySelectorAll(':scope > [data-row]')] : [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i].getBoundingClientRect();
      if (y < r.top + r.height / 2) return i;
    }
    return rows.length;
  }

  function handle(index) {
    return {
      onPointerDown(e) {
        if (e.button !== 0) return;
        e.preventDefault();
        e.currentTarget.setPointerCapture?.(e.pointerId);
        from.current = index;
        setDrag({ from: index, over: index });
      },
      onPointerMove(e) {
        if (from.current === null) return;
        const over = slotAt(e.clientY);
        setDrag((d) => (d && d.over !== over ? { ...d, over } : d));
      },
      onPointerUp(e) {
        if (from.current === null) return;
        const start = from.current;
        from.current = null;
        setDrag(null);
        const slot = slotAt(e.clientY);
        if (slot !== start && slot !== start + 1) onDrop(start, slot);
      },
      onPointerCancel() {
        from.current = null;
        setDrag(null);
      },
    };
  }

  return { listRef, handle, dragging: drag ? drag.from : null, over: drag ? drag.over : null };
}

/** The slot Alt+Up/Down on row index moves it to, or null when the key is not one of them. */
export function keySlot(e, index) {
  if (!e.altKey) return null;
  if (e.key === 'ArrowUp') return index - 1;
  if (e.key === 'ArrowDown') return index + 2;
  return null;
}
