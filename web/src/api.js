// The REST API under /api/v10, with the token of the signed-in user. Errors arrive in Discord's shape
// {code, message, errors}; ApiError carries it with the per-field messages flattened.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.fields = flattenErrors(this.body.errors);
  }

  /** One line a person can read: the field messages if any, else the message. */
  describe() {
    if (this.status === 413 || this.body.code === 40005) return 'File too large: the server does not take files this big.';
    return this.fields.length ? this.fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join(' ') : this.message;
  }
}

/** One line a person can read for any error (an ApiError's field messages, else its message). */
export function describeError(err) {
  return err instanceof ApiError ? err.describe() : String(err && err.message ? err.message : err);
}

/** {content: {_errors: [{code, message}]}} -> [{field: 'content', message}] */
export function flattenErrors(errors, path = []) {
  if (!errors || typeof errors !== 'object') return [];
  const out = [];
  for (const [key, value] of Object.entries(errors)) {
    if (key === '_errors' && Array.isArray(value)) {
      const field = path.filter((p) => p !== '_root').join('.');
      for (const e of value) out.push({ field, message: e.message });
    } else {
      out.push(...flattenErrors(value, [...path, key]));
    }
  }
  return out;
}

export function createApi({ token, onUnauthorized }) {
  async function request(method, path, body, tries = 0) {
    const headers = {};
    if (token()) headers.Authorization = token();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(`/api/v10${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, { message: 'The server cannot be reached.' });
    }
    if (res.status === 204) return null;
    const data = await res.json().catch(() => null);
    // Rate limited: wait as told and send again (a burst of messages goes out paced, not lost).
    if (res.status === 429 && tries < 5 && data && typeof data.retry_after === 'number') {
      await new Promise((r) => setTimeout(r, Math.min(data.retry_after, 10) * 1000));
      return request(method, path, body, tries + 1);
    }
    if (!res.ok) {
      if (res.status === 401 && token()) onUnauthorized();
      throw new ApiError(res.status, data);
    }
    return data;
  }
  /** Sends payload (as payload_json) and files (as files[n]) as multipart/form-data with XMLHttpRequest, which
   * reports upload progress: onProgress(loaded, total). Returns {done, abort}: done resolves to the answer or
   * rejects with an ApiError (status 0 and code 'cancelled' after abort()). */
  function upload(method, path, payload, files, onProgress) {
    const form = new FormData();
    form.append('payload_json', JSON.stringify(payload)); // a plain field: a Blob would make it a file part
    files.forEach((file, i) => form.append(`files[${i}]`, file, file.name));
    const xhr = new XMLHttpRequest();
    let cancelled = false;
    const done = new Promise((resolve, reject) => {
      xhr.open(method, `/api/v10${path}`);
      if (token()) xhr.setRequestHeader('Authorization', token());
      xhr.responseType = 'text';
      xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded, e.lengthComputable ? e.total : 0);
      xhr.onload = () => {
        let data = null;
        try {
          data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          data = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) return resolve(data);
        if (xhr.status === 401 && token()) onUnauthorized();
        reject(new ApiError(xhr.status, data));
      };
      xhr.onerror = () =>
        reject(new ApiError(0, { message: 'The upload was cut off (the server may refuse files this big, or it cannot be reached).' }));
      xhr.onabort = () => reject(new ApiError(0, { code: 'cancelled', message: 'The upload was cancelled.' }));
      xhr.send(form);
    });
    return {
      done,
      abort: () => {
        cancelled = true;
        xhr.abort();
      },
      get cancelled() {
        return cancelled;
      },
    };
  }

  return {
    upload,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body === undefined ? {} : body),
    patch: (path, body) => request('PATCH', path, body),
    put: (path, body) => request('PUT', path, body),
    del: (path) => request('DELETE', path),
  };
}
