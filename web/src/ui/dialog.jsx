// Modal dialogs and labelled fields as components, for every view built with Preact: openDialog() shows one
// above the screen; <Dialog> is a modal (the browser's <dialog>: the rest of the page is inert) with a focus trap,
// Escape and Cancel close it, the focus goes back to what opened it; its form shows the server's refusal in its
// error line. <Field> is a labelled input. (dialog.js keeps the same for the parts still built with h().)
import { render } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from '../api.js';
import { nextId } from '../dialog.js';
import { focusables, trapFocus } from './keys.js';

/** Shows view(close) (a <Dialog>) above the screen until close() is called or the dialog closes; the focus
 * then goes back to the element that had it. Closes with the session too (ctx.store's close notice). */
export function openDialog(view, ctx) {
  const opener = document.activeElement;
  const host = document.createElement('div');
  host.className = 'island';
  document.body.append(host);
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    render(null, host);
    host.remove();
    if (opener && opener.isConnected && opener.focus) opener.focus();
  };
  const stop = ctx?.store.on('close', close);
  render(view(() => (stop?.(), close())), host);
  return close;
}

/** A modal dialog named title. With onSubmit(formData) it is a form with submitLabel: it closes when onSubmit
 * resolves and shows the refusal when it throws; without, it only has a Close button. */
export function Dialog({ title, onClose, onSubmit, submitLabel, children, class: cls, focus }) {
  const ref = useRef(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useLayoutEffect(() => {
    const dlg = ref.current;
    if (!dlg.open) dlg.showModal();
    const first = (focus && dlg.querySelector(focus)) || focusables(dlg)[0];
    if (first) first.focus();
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    if (!onSubmit || busy) return;
    setBusy(true);
    setError('');
    try {
      await onSubmit(new FormData(e.currentTarget));
      onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class={cls} aria-label={title} onClose={onClose} onKeyDown={trapFocus}>
      <form class="card" onSubmit={submit}>
        <h2>{title}</h2>
        {children}
        <FormError text={error} />
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>
            {onSubmit ? 'Cancel' : 'Close'}
          </button>
          {onSubmit ? (
            <button type="submit" class="primary" disabled={busy}>
              {submitLabel}
            </button>
          ) : null}
        </div>
      </form>
    </dialog>
  );
}

/** The line that shows a refusal (read out when it changes). */
export function FormError({ text }) {
  return (
    <p class="form-error" role="alert">
      {text}
    </p>
  );
}

/** A labelled input; value is where it starts (the user's typing is kept across redraws). */
export function Field({ label, name, type = 'text', autocomplete, value = '', required = true, maxlength, readonly, inputRef }) {
  const id = useMemo(() => nextId(`f-${name}`), [name]);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input ref={inputRef} id={id} name={name} type={type} autocomplete={autocomplete} defaultValue={value} required={required} maxlength={maxlength} readonly={readonly} />
    </div>
  );
}
