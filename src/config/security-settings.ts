import { BlockList, isIP } from 'node:net';

/**
 * Parsers of the session and access settings (等保 2.0 身份鉴别, 访问控制).
 * Each throws an Error whose message is the reason; config.ts names the variable.
 */

/** The roles of the contract (config may not import the access folder: it is below every feature). */
export const ROLE_NAMES = ['admin', 'security_admin', 'auditor', 'bureau', 'inspector', 'institution_head'] as const;

/** The privileged roles ADMIN_ALLOWED_CIDRS applies to. */
export const PRIVILEGED_ROLES: readonly string[] = ['admin', 'security_admin', 'auditor'];

export const DEFAULT_MFA_ROLES = ['admin', 'security_admin', 'auditor', 'bureau'];

/** `admin,bureau` → the roles; the empty string → none (the caller passes the raw value, blank included). */
export function parseRoles(value: string): string[] {
  const roles = value
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter((r) => r !== '');
  for (const role of roles) {
    if (!(ROLE_NAMES as readonly string[]).includes(role)) {
      throw new Error(`"${role}" is not a role (one of ${ROLE_NAMES.join(', ')}; the empty string for none)`);
    }
  }
  return [...new Set(roles)];
}

/** A list of CIDR blocks or single addresses (`10.0.0.0/8, 192.168.1.7, fd00::/8`). */
export function parseCidrs(value: string): string[] {
  const blocks = value
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const block of blocks) cidrOf(block);
  return blocks;
}

/** Whether `ip` (as Express reports it, IPv4-mapped IPv6 included) is inside one of the blocks; an empty list allows every address. */
export function addressAllowed(blocks: readonly string[], ip: string | undefined): boolean {
  if (blocks.length === 0) return true;
  if (!ip) return false;
  const list = new BlockList();
  for (const block of blocks) {
    const { address, prefix, family } = cidrOf(block);
    list.addSubnet(address, prefix, family);
  }
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(plain) === 4 ? 'ipv4' : isIP(plain) === 6 ? 'ipv6' : undefined;
  return family !== undefined && list.check(plain, family);
}

function cidrOf(block: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address, prefixText, extra] = block.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) throw new Error(`"${block}" is not an address or CIDR block (e.g. 10.0.0.0/8)`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max) {
    throw new Error(`"${block}" has no valid prefix length (0–${max})`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Express's `trust proxy`: a hop count, or addresses/blocks (and the names loopback, linklocal, uniquelocal). */
export function parseTrustProxy(value: string): number | string[] {
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const part of parts) if (!['loopback', 'linklocal', 'uniquelocal'].includes(part)) cidrOf(part);
  return parts;
}
