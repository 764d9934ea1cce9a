// The sections of the guild settings screen, in the order of its side nav: each {id, label, Component}, the
// component drawn with {ctx, guildId, close} (close() leaves the screen), and optionally visible(store, guildId)
// when only some people should see it (e.g. those who may ban). Adding a section is one line here.
import { Overview } from './overview.jsx';
import { Roles } from './roles.jsx';
import { Channels } from './channels.jsx';

export const SECTIONS = [
  { id: 'overview', label: 'Overview', Component: Overview },
  { id: 'roles', label: 'Roles', Component: Roles },
  { id: 'channels', label: 'Channels', Component: Channels },
];
