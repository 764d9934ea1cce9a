// User settings, My account: username, display name, avatar and banner (pictures sent as data URIs), saved
// together; the server's refusal (a taken username, a picture refused) shows in place.
import { useState } from 'preact/hooks';
import { avatarUrl, cdnSize } from '../../media/cdn.js';
import { useNotices } from '../../ui/hooks.js';
import { ErrorLine, newId, useAction } from '../common.jsx';
import { PictureField } from './picture.jsx';

const HASH = /^(a_)?[0-9a-f]{8,64}$/i;

export function bannerUrl(user) {
  const b = user && user.banner;
  return typeof b === 'string' && HASH.test(b) ? `/banners/${user.id}/${b}.${b.startsWith('a_') ? 'gif' : 'png'}?size=${cdnSize(600)}` : null;
}

export function AccountSection({ ctx }) {
  const { store, actions } = ctx;
  useNotices(store, ['me']);
  const me = store.me;
  const [ids] = useState(() => ({ username: newId('username'), name: newId('global-name') }));
  const [username, setUsername] = useState(me.username);
  const [globalName, setGlobalName] = useState(me.global_name || '');
  const [avatar, setAvatar] = useState(undefined);
  const [banner, setBanner] = useState(undefined);
  const [saved, setSaved] = useState(false);
  const act = useAction();
  const changed = username.trim() !== me.username || globalName.trim() !== (me.global_name || '') || avatar !== undefined || banner !== undefined;
  return (
    <form
      class="us-section gp-card"
      aria-label="My account"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        const fields = {
          username: username.trim() !== me.username ? username.trim() : undefined,
          global_name: globalName.trim() !== (me.global_name || '') ? globalName.trim() : undefined,
          avatar,
          banner,
        };
        if (await act.run(() => actions.saveProfile(fields))) {
          setAvatar(undefined);
          setBanner(undefined);
          setSaved(true);
        }
      }}
    >
      <div class="us-profile-card">
        {bannerUrl(me) && banner !== null ? <img class="us-banner" src={banner || bannerUrl(me)} alt="Banner now" /> : <div class="us-banner none" aria-hidden="true" />}
        <img class="avatar large" src={avatar || avatarUrl(me, 80)} alt="" width="80" height="80" />
        <div class="us-names">
          <strong>{me.global_name || me.username}</strong>
          <span>{me.username}</span>
        </div>
      </div>
      <div class="field">
        <label for={ids.username}>Username</label>
        <input id={ids.username} value={username} required minlength={2} maxlength={32} autocomplete="username" onInput={(e) => setUsername(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={ids.name}>Display name</label>
        <input id={ids.name} value={globalName} maxlength={32} placeholder={me.username} onInput={(e) => setGlobalName(e.currentTarget.value)} />
      </div>
      <PictureField label="Avatar" cls="avatar large" currentUrl={me.avatar ? avatarUrl(me, 80) : null} value={avatar} onChange={setAvatar} />
      <PictureField label="Banner" cls="us-banner-preview" currentUrl={bannerUrl(me)} value={banner} onChange={setBanner} />
      <ErrorLine text={act.error} />
      <div class="gp-buttons">
        {saved && !changed ? (
          <span class="us-saved" role="status">
            Saved.
          </span>
        ) : null}
        <button type="submit" class="primary" disabled={!changed || act.busy}>
          Save changes
        </button>
      </div>
    </form>
  );
}
