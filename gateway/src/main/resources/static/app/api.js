// The public API through the gateway (same origin). The token lives in sessionStorage only.

const TOKEN_KEY = 'servelink.token';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export const session = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  /** The token's claims (not verified here: the gateway and every service verify it). */
  claims() {
    const token = this.token();
    if (!token) return null;
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = decodeURIComponent(atob(payload).split('').map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
      const claims = JSON.parse(json);
      if (claims.exp && claims.exp * 1000 < Date.now()) return null;
      return claims;
    } catch {
      return null;
    }
  },
};

let onUnauthenticated = () => {};
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

function headers(extra = {}) {
  const token = session.token();
  return token ? { Authorization: `Bearer ${token}`, ...extra } : extra;
}

async function failure(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // not JSON
  }
  if (response.status === 401) onUnauthenticated(problem);
  return new ApiError(response.status, problem);
}

export async function api(path, { method = 'GET', body, idempotencyKey } = {}) {
  const extra = { Accept: 'application/json' };
  if (body !== undefined) extra['Content-Type'] = 'application/json';
  if (idempotencyKey) extra['Idempotency-Key'] = idempotencyKey;
  const response = await fetch(path, { method, headers: headers(extra), body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

/** Downloads need the token, so a plain link cannot do: fetch as a blob and save it. */
export async function download(path, fileName) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return blob;
}

/** The end-to-end tests' token endpoint; null when it does not exist (404 outside the test-tokens profile). */
export async function devToken(query) {
  const response = await fetch(`/dev/token?${query}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) return null;
  return (await response.json()).token;
}

/**
 * Server-sent events with the bearer token: EventSource cannot send an Authorization header, so the stream is read
 * with fetch() and parsed here. Reconnects after a drop (calling onOpen again, so the caller can reload).
 * Returns a function that stops it.
 */
export function eventStream(path, { onEvent, onOpen, onDrop }) {
  const controller = new AbortController();
  let stopped = false;

  async function connect() {
    try {
      const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal });
      if (!response.ok) throw await failure(response);
      onOpen && onOpen();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let boundary;
        while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, '');
          dispatch(block);
        }
      }
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status === 401) return;
    }
    if (!stopped) {
      onDrop && onDrop();
      setTimeout(connect, 2000);
    }
  }

  function dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text data
    }
    onEvent(type, parsed);
  }

  connect();
  return () => {
    stopped = true;
    controller.abort();
  };
}
