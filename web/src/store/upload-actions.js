// Files attached in the composer (a draft per channel: the files and their previews) and their upload with the
// message (multipart/form-data through XMLHttpRequest, with progress and cancel). Part of the actions object
// built by actions.js; message-actions.js sends a message through here when its channel has files.
import { readDataUri } from '../media/cdn.js';

export const MAX_FILES = 10; // Discord's count per message
const PREVIEW_MAX_BYTES = 8 * 1024 * 1024; // bigger images are not read for a thumbnail

export function createUploadActions({ store, api, actions }) {
  let seq = 0;
  const draft = (channelId) => store.drafts.get(channelId) || [];

  const self = {
    /** Adds files (a FileList or an array) to the channel's draft, at most MAX_FILES in all. */
    attachFiles(channelId, files) {
      if (!channelId) return;
      const list = [...draft(channelId)];
      const given = [...files].filter((f) => f instanceof File);
      if (list.length + given.length > MAX_FILES) actions.notify(`At most ${MAX_FILES} files go with one message.`);
      for (const file of given.slice(0, Math.max(0, MAX_FILES - list.length))) {
        const item = { key: `f${++seq}`, file, preview: null };
        list.push(item);
        if (/^image\/(png|jpeg|gif|webp)$/.test(file.type) && file.size <= PREVIEW_MAX_BYTES)
          readDataUri(file)
            .then((uri) => {
              item.preview = uri;
              store.emit('draft', channelId);
            })
            .catch(() => {});
      }
      store.drafts.set(channelId, list);
      store.emit('draft', channelId);
    },

    removeFile(channelId, key) {
      store.drafts.set(
        channelId,
        draft(channelId).filter((f) => f.key !== key),
      );
      store.emit('draft', channelId);
    },

    /** Takes the channel's files out of its draft (they go with the message being sent). */
    takeDraft(channelId) {
      const list = draft(channelId);
      store.drafts.delete(channelId);
      if (list.length) store.emit('draft', channelId);
      return list;
    },

    /** Puts files back in front of the draft (a message that was not sent keeps its files). */
    restoreDraft(channelId, list) {
      if (!list.length) return;
      store.drafts.set(channelId, [...list, ...draft(channelId)].slice(0, MAX_FILES));
      store.emit('draft', channelId);
    },

    /** POSTs body with the files to channel c; resolves to the new message. Progress is in store.upload. Throws
     * the refusal (an ApiError; code 'cancelled' after cancelUpload()). */
    async uploadMessage(c, body, list) {
      const payload = { ...body, attachments: list.map((f, i) => ({ id: i, filename: f.file.name })) };
      const total = list.reduce((n, f) => n + f.file.size, 0);
      const state = { channelId: c.id, loaded: 0, total, names: list.map((f) => f.file.name), abort: null };
      const req = api.upload('POST', `/channels/${c.id}/messages`, payload, list.map((f) => f.file), (loaded, all) => {
        state.loaded = loaded;
        if (all) state.total = all;
        store.emit('upload');
      });
      state.abort = req.abort;
      store.upload = state;
      store.emit('upload');
      try {
        return await req.done;
      } finally {
        if (store.upload === state) store.upload = null;
        store.emit('upload');
      }
    },

    cancelUpload() {
      if (store.upload && store.upload.abort) store.upload.abort();
    },
  };
  return self;
}
