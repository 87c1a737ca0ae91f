/**
 * Trusted proxies (`trustedProxies`, `--trust-proxy`): the client of a request
 * that came through a reverse proxy (nginx, a load balancer) is not the
 * socket's peer but the address the proxy appended to `X-Forwarded-For`.
 * That header is believed only when the peer is a trusted proxy: it is read
 * from the right, skipping the trusted proxies' own addresses, and the first
 * address that is not one of them is the client. Whatever lies left of it was
 * written by the client and is ignored.
 *
 * The header is read linearly and bounded: only its last
 * {@link MAX_FORWARDED_FOR_LENGTH} characters and {@link MAX_FORWARDED_HOPS}
 * entries. An entry that is not an address stops the walk; the last trusted
 * hop then stands for the client.
 * @module
 */
import { BlockList, isIP } from 'node:net';

/** Only this many characters at the end of X-Forwarded-For are read (the right end is the proxies'). */
export const MAX_FORWARDED_FOR_LENGTH = 2048;
/** At most this many entries are read, from the right. */
export const MAX_FORWARDED_HOPS = 16;

const PORT = /^:[0-9]{1,5}$/;

export interface ProxyEntry {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** A `trustedProxies` entry: an address (`10.0.0.5`, `::1`) or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
export function parseProxyEntry(text: string): ProxyEntry | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const bits = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > max) return undefined;
    prefix = Number(bits);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** IPv4-mapped IPv6 addresses as plain IPv4, as the adapter reports peers. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** One X-Forwarded-For entry as an address: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:5678`. */
export function forwardedAddress(text: string): string | undefined {
  if (isIP(text) !== 0) return plain(text.toLowerCase());
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const inside = end < 0 ? '' : text.slice(1, end);
    const rest = end < 0 ? '' : text.slice(end + 1);
    return isIP(inside) === 6 && (rest === '' || PORT.test(rest)) ? plain(inside.toLowerCase()) : undefined;
  }
  const colon = text.indexOf(':');
  if (colon > 0 && isIP(text.slice(0, colon)) === 4 && PORT.test(text.slice(colon))) return text.slice(0, colon);
  return undefined;
}

export class TrustedProxies {
  readonly #list = new BlockList();
  readonly size: number;

  /** @throws {TypeError} for an entry {@link parseProxyEntry} refuses (config validation catches these first). */
  constructor(entries: readonly string[] = []) {
    for (const text of entries) {
      const entry = parseProxyEntry(text);
      if (!entry) throw new TypeError(`Not an address or CIDR block: ${JSON.stringify(text)}`);
      this.#list.addSubnet(entry.address, entry.prefix, entry.family);
    }
    this.size = entries.length;
  }

  /** Whether `address` (a socket peer) is a trusted proxy. */
  trusts(address: string): boolean {
    if (this.size === 0) return false;
    const version = isIP(address);
    return version !== 0 && this.#list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * The client behind `peer`: `peer` itself unless it is a trusted proxy that
   * sent `X-Forwarded-For`; then the rightmost address of that header that is
   * not a trusted proxy.
   */
  clientAddress(peer: string, forwardedFor: string | null | undefined): string {
    if (!forwardedFor || !this.trusts(peer)) return peer;
    const header = forwardedFor.length > MAX_FORWARDED_FOR_LENGTH ? forwardedFor.slice(-MAX_FORWARDED_FOR_LENGTH) : forwardedFor;
    let client = peer;
    let end = header.length;
    for (let hop = 0; hop < MAX_FORWARDED_HOPS && end > 0; hop++) {
      const comma = header.lastIndexOf(',', end - 1);
      const address = forwardedAddress(header.slice(comma + 1, end).trim());
      if (address === undefined) return client;
      client = address;
      if (!this.trusts(address)) return address;
      end = comma < 0 ? 0 : comma;
    }
    return client;
  }
}
