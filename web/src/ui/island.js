// Hosts a Preact component inside a part of the screen still built with h() from dom.js, while views move to
// components one by one: island(Component, props) answers an element to put in the page; the component is
// unmounted when the session's store closes.
import { h as vnode, render } from 'preact';
import { h } from '../dom.js';

/** An element (display: contents) in which Component is rendered with props; props.ctx.store closes it. */
export function island(Component, props, tag = 'div') {
  const host = h(tag, { class: 'island' });
  render(vnode(Component, props), host);
  props.ctx?.store.on('close', () => render(null, host));
  return host;
}
