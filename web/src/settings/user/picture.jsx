// A picture chooser for the profile: the picture now, a file input whose choice is previewed at once, and a
// box that removes it. onChange(value): a data URI for a new picture, null to remove it, undefined to keep it.
import { useState } from 'preact/hooks';
import { readDataUri } from '../../media/cdn.js';
import { newId } from '../common.jsx';

const TYPES = 'image/png,image/jpeg,image/gif,image/webp';

export function PictureField({ label, currentUrl, value, onChange, cls }) {
  const [ids] = useState(() => ({ file: newId('pic'), remove: newId('pic-remove') }));
  const [error, setError] = useState('');
  const shown = value === null ? null : value || currentUrl;
  return (
    <div class="field us-picture">
      <label for={ids.file}>{label}</label>
      <div class="image-row">
        {shown ? <img class={cls} src={shown} alt={`${label} ${value ? 'chosen' : 'now'}`} /> : <span class={`${cls} none`} aria-hidden="true" />}
        <input
          id={ids.file}
          type="file"
          accept={TYPES}
          onChange={async (e) => {
            setError('');
            const file = e.currentTarget.files && e.currentTarget.files[0];
            if (!file) return;
            if (!TYPES.split(',').includes(file.type)) return setError('Choose a PNG, JPEG, GIF or WebP picture.');
            try {
              onChange(await readDataUri(file));
            } catch (err) {
              setError(String(err.message || err));
            }
          }}
        />
      </div>
      {currentUrl ? (
        <div class="check">
          <input id={ids.remove} type="checkbox" checked={value === null} onChange={(e) => onChange(e.currentTarget.checked ? null : undefined)} />
          <label for={ids.remove}>Remove {label.toLowerCase()}</label>
        </div>
      ) : null}
      <p class="form-error" role="alert">
        {error}
      </p>
    </div>
  );
}
