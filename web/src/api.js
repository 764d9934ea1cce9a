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
  return {
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body === undefined ? {} : body),
    patch: (path, body) => request('PATCH', path, body),
    put: (path) => request('PUT', path),
    del: (path) => request('DELETE', path),
  };
}
