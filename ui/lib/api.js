// The public REST API with the signed-in user's token. Access tokens are
// short (15 minutes): a 401 first renews it with the refresh token, once for
// every tab; only when the session itself ended (idle, 12 hours, logout) does
// it mark the session as needing the password again, and that never throws
// work away (see sync/engine.js).
const TOKEN = 'paicha.token';
const REFRESH = 'paicha.refresh';
const USER = 'paicha.user';

export const session = {
  get token() {
    return localStorage.getItem(TOKEN);
  },
  get refreshToken() {
    return localStorage.getItem(REFRESH);
  },
  get user() {
    const raw = localStorage.getItem(USER);
    return raw ? JSON.parse(raw) : null;
  },
  /** Keeps a login's answer (or a renewed pair: `user` unchanged when not given). */
  save(token, user, refreshToken) {
    localStorage.setItem(TOKEN, token);
    if (refreshToken !== undefined) localStorage.setItem(REFRESH, refreshToken);
    if (user) localStorage.setItem(USER, JSON.stringify(user));
  },
  clear() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(REFRESH);
    localStorage.removeItem(USER);
  },
};

/**
 * Renews the access token with the refresh token. The refresh token is spent
 * by its use (a second use ends the session), so tabs take turns under a Web
 * Lock and a tab that finds the token already renewed by another uses that.
 * True when there is a usable token afterwards.
 */
async function renew(staleToken) {
  const attempt = async () => {
    if (session.token && session.token !== staleToken) return true; // another tab renewed it meanwhile
    const refreshToken = session.refreshToken;
    if (!refreshToken) return false;
    const res = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) {
      if (res.status === 401) localStorage.removeItem(REFRESH);
      return false;
    }
    const pair = await res.json();
    session.save(pair.accessToken, undefined, pair.refreshToken);
    return true;
  };
  return navigator.locks ? navigator.locks.request('paicha-refresh', attempt) : attempt();
}

export class ApiError extends Error {
  constructor(status, problem, headers) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.headers = headers;
  }
}

/**
 * Worth retrying later: no network or too slow (fetch's TypeError, a timeout),
 * 5xx, 408, 429, and a 409 saying the same Idempotency-Key is still being
 * processed. Other answers are final; other errors (storage, bugs) are not "offline".
 */
export function transient(error) {
  if (error instanceof ApiError) {
    return (
      error.status >= 500 ||
      error.status === 408 ||
      error.status === 429 ||
      (error.status === 409 && /idempotency_key_in_flight$/.test(error.problem.type ?? ''))
    );
  }
  return error instanceof TypeError || error?.name === 'TimeoutError' || error?.name === 'AbortError';
}

/** Listeners told when the server said 401 (the token expired or was revoked). */
export const unauthorized = new EventTarget();

/**
 * JSON request. Throws ApiError with the problem details, or a TypeError /
 * TimeoutError when the network is down or too slow. `raw: true` returns the Response.
 */
export async function api(method, path, body, { headers = {}, timeout = 30_000, raw = false } = {}) {
  const form = body instanceof FormData;
  const send = () =>
    fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined && !form ? { 'Content-Type': 'application/json' } : {}),
        ...(session.token ? { Authorization: `Bearer ${session.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
  const sentWith = session.token;
  let res = await send();
  const signingIn = path === '/auth/login' || path === '/auth/refresh';
  // the access token expired: renew it and send once more (the same Idempotency-Key, if any)
  if (res.status === 401 && !signingIn && sentWith && (await renew(sentWith).catch(() => false))) res = await send();
  if (raw && (res.ok || res.status === 304)) return res;
  if (res.status === 401 && !signingIn) unauthorized.dispatchEvent(new Event('401'));
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.blob();
  if (!res.ok) throw new ApiError(res.status, type.includes('json') ? data : undefined, res.headers);
  return data;
}

/** An attachment or a report as an object URL (images and files need the token too). */
export async function fileUrl(path) {
  return URL.createObjectURL(await api('GET', path));
}

/** What to tell the user about a failed request, in Chinese. */
export function errorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 429) return '尝试次数过多，请稍后再试';
    if (error.status === 404) return '未找到，或不在您的管辖范围内';
    if (error.status === 403) return '您没有这项操作的权限';
    if (error.status === 401) return '登录已过期，请重新登录';
    if (error.problem?.type?.endsWith(':address_not_allowed')) return '该账号只能从指定的管理网络使用';
    return error.problem.detail ?? `请求失败（${error.status}）`;
  }
  return '网络不可用，请稍后重试';
}

/** A random UUID (also outside secure contexts, where crypto.randomUUID is missing). */
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
