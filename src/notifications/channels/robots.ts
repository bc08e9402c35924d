import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The two work-group robots, as pure functions: which URLs are accepted, how
 * they are shown masked, the JSON each wants, DingTalk's signature, and what
 * an answer means (both answer HTTP 200 with an `errcode`).
 */
export type RobotKind = 'wecom' | 'dingtalk';

export const OFFICIAL_HOSTS: Record<RobotKind, string> = { wecom: 'qyapi.weixin.qq.com', dingtalk: 'oapi.dingtalk.com' };

/** The query parameters that carry a robot's token (masked like a secret). */
const TOKEN_PARAMS = ['key', 'access_token'];

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Why this URL is refused for this robot, or null: https (http only to loopback), the robot's own host unless any is allowed. */
export function urlRefusal(kind: RobotKind, value: string, allowAnyHost: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return 'must be https (plain http only to a loopback address)';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment';
  if (!allowAnyHost && (url.hostname !== OFFICIAL_HOSTS[kind] || url.port !== '')) {
    return `must be on ${OFFICIAL_HOSTS[kind]} (CHANNEL_ALLOW_ANY_HOST is off)`;
  }
  return null;
}

function maskValue(value: string): string {
  return value.length <= 8 ? '****' : `****${value.slice(-4)}`;
}

/** The URL with its token parameters masked (`key=****abcd`): what GET answers. */
export function maskUrl(value: string | null): string | null {
  if (value === null) return null;
  const url = new URL(value);
  for (const name of TOKEN_PARAMS) {
    const token = url.searchParams.get(name);
    if (token !== null) url.searchParams.set(name, maskValue(token));
  }
  return url.toString().replace(/%2A/g, '*');
}

export function maskSecret(value: string | null): string | null {
  return value === null ? null : value.startsWith('SEC') ? `SEC${maskValue(value.slice(3))}` : maskValue(value);
}

/** DingTalk's signature: base64(HMAC-SHA256(key = secret, `${timestamp}\n${secret}`)), URL-encoded. */
export function dingtalkSign(secret: string, timestamp: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
}

/** The URL a message is POSTed to: DingTalk's gains `timestamp` and `sign` when a secret is set. */
export function robotUrl(kind: RobotKind, webhook: string, secret: string | null, now = Date.now()): string {
  if (kind !== 'dingtalk' || !secret) return webhook;
  return `${webhook}${webhook.includes('?') ? '&' : '?'}timestamp=${now}&sign=${dingtalkSign(secret, now)}`;
}

/** The body each robot wants for a markdown message. */
export function robotPayload(kind: RobotKind, title: string, markdown: string): Record<string, unknown> {
  return kind === 'wecom'
    ? { msgtype: 'markdown', markdown: { content: markdown } }
    : { msgtype: 'markdown', markdown: { title, text: markdown } };
}

/** errcodes that retrying cannot fix: a wrong or removed robot, a refused signature, keyword or IP, a bad message. */
const PERMANENT: Record<RobotKind, number[]> = {
  wecom: [93000, 93004, 40008, 44004, 40058],
  dingtalk: [300001, 300005, 310000, 400101, 400102],
};
/** errcodes that say "too many messages" (about 20 a minute per robot). */
const RATE_LIMITED: Record<RobotKind, number[]> = { wecom: [45009], dingtalk: [130101, 90030] };

export type RobotOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string }
  | { kind: 'rate_limited'; reason: string }
  | { kind: 'permanent'; reason: string };

/** What an answer means: 2xx with `errcode` 0 is delivered; everything else is retried, except what never will work. */
export function classifyAnswer(kind: RobotKind, status: number, body: string): RobotOutcome {
  if (status === 429) return { kind: 'rate_limited', reason: 'HTTP 429' };
  if (status >= 300 && status < 400) return { kind: 'permanent', reason: `HTTP ${status} (redirects are not followed)` };
  if (status === 404 || status === 401 || status === 403) return { kind: 'permanent', reason: `HTTP ${status}` };
  if (status < 200 || status >= 300) return { kind: 'retry', reason: `HTTP ${status}` };
  let errcode: unknown;
  let errmsg: unknown;
  try {
    ({ errcode, errmsg } = JSON.parse(body) as { errcode?: unknown; errmsg?: unknown });
  } catch {
    return { kind: 'retry', reason: 'the answer is not JSON' };
  }
  if (errcode === 0) return { kind: 'delivered' };
  if (typeof errcode !== 'number') return { kind: 'retry', reason: 'the answer has no errcode' };
  const reason = `errcode ${errcode}${typeof errmsg === 'string' ? `: ${errmsg.slice(0, 200)}` : ''}`;
  if (RATE_LIMITED[kind].includes(errcode)) return { kind: 'rate_limited', reason };
  if (PERMANENT[kind].includes(errcode)) return { kind: 'permanent', reason };
  return { kind: 'retry', reason };
}
