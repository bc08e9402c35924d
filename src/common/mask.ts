/**
 * A phone number as lists, exports and reports show it (个人信息保护法: only
 * what the reader needs): the first three and the last four characters, the
 * rest as ****, e.g. 138****1234; a short number shows only ****.
 */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const compact = phone.replace(/\s+/g, '');
  return compact.length >= 8 ? `${compact.slice(0, 3)}****${compact.slice(-4)}` : '****';
}
