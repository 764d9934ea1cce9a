// A user's avatar as a component: the same element as avatar() of content.js (refreshAvatars finds it by
// data-user), decorative since the name is beside it.
import { avatarUrl } from '../media/cdn.js';

const AVATAR_PX = { tiny: 24, small: 32, large: 80 };

export function Avatar({ user, size = 'small' }) {
  const px = AVATAR_PX[size] || 32;
  return (
    <img
      class={`avatar ${size}`}
      src={avatarUrl(user, px)}
      alt=""
      width={px}
      height={px}
      referrerpolicy="no-referrer"
      draggable="false"
      data-user={user && user.id ? user.id : undefined}
      data-px={user && user.id ? px : undefined}
    />
  );
}
