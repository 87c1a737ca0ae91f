/**
 * The Host allowlist, against DNS rebinding. A page on an attacker's domain
 * whose name then resolves to 127.0.0.1 is, for the browser, same-origin with
 * whatever answers there: it sends `Host: evil.example` and a matching
 * `Origin`, so the origin check alone lets it through. Only the Host header
 * tells such a request apart, so a request is served only when its Host is:
 *
 * - a loopback name or address: `localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`;
 * - the address or name the server listens on (`--host`);
 * - listening on a wildcard address (`0.0.0.0`, `::`): any IP address. An
 *   address cannot be rebound (the browser connects to the very address its
 *   origin names), and the server may be reached at addresses it cannot know
 *   (a Docker port mapping, a NAT), so every address literal is safe and
 *   expected there; names still need `allowedHosts`;
 * - an entry of `allowedHosts` (`--allow-host`): a name (`cams.example.org`),
 *   an address, or `.example.org` for that domain and every subdomain.
 *
 * The port of the Host is not compared: a proxy may serve another port. A
 * request with no Host at all (HTTP/1.0) is not a browser's: it is served.
 * Anything else gets 421 (Misdirected Request), on HTTP and on the WebSocket
 * upgrade alike, with auth on or off.
 * @module
 */
import { BlockList, isIP } from 'node:net';
import type { Logger } from '../logger.ts';

/** A Host header longer than this is refused before it is parsed (a DNS name has at most 253 characters). */
export const MAX_HOST_LENGTH = 270;

/** Letters, digits, `.`, `-`, `_`: a DNS name or a dotted IPv4 address (a single character class: linear). */
const NAME = /^[a-z0-9._-]+$/;
const PORT = /^:[0-9]{1,5}$/;
const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '']);

/**
 * The host of a Host header (or of an `allowedHosts` entry): lower case,
 * without the port, the IPv6 brackets or a trailing dot. Undefined when it is
 * malformed (too long, a bracket without an IPv6 address, a bad port, any
 * character a DNS name does not hold).
 */
export function parseHost(header: string): string | undefined {
  if (header.length === 0 || header.length > MAX_HOST_LENGTH) return undefined;
  let name: string;
  let rest: string;
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    if (end < 0) return undefined;
    name = header.slice(1, end).toLowerCase();
    rest = header.slice(end + 1);
    if (isIP(name) !== 6) return undefined;
  } else {
    const colon = header.indexOf(':');
    name = (colon < 0 ? header : header.slice(0, colon)).toLowerCase();
    rest = colon < 0 ? '' : header.slice(colon);
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (!NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) return undefined;
  }
  if (rest !== '' && !PORT.test(rest)) return undefined;
  return name === '' ? undefined : name;
}

/** An `allowedHosts` entry: `name`, an address (IPv6 with or without brackets), or `.domain` (the domain and its subdomains). */
export type AllowedHost = { readonly kind: 'name' | 'suffix' | 'address'; readonly value: string };

/** Parses an `allowedHosts` entry; undefined when it is none of the forms above (no port, no `*`). */
export function parseAllowedHost(text: string): AllowedHost | undefined {
  const suffix = text.startsWith('.');
  const body = suffix ? text.slice(1) : text;
  const bare = body.startsWith('[') && body.endsWith(']') ? body.slice(1, -1) : body;
  if (isIP(bare) !== 0) return suffix ? undefined : { kind: 'address', value: bare.toLowerCase() };
  // A port, or brackets around something that is no address.
  if (body.includes(':') || body.includes('[')) return undefined;
  const host = parseHost(body);
  return host === undefined ? undefined : { kind: suffix ? 'suffix' : 'name', value: host };
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Which Host headers this server answers. */
export class HostAllowlist {
  readonly #names = new Set<string>();
  readonly #suffixes: string[] = [];
  readonly #addresses = new BlockList();
  #anyAddress = false;

  /** @throws {TypeError} for an entry {@link parseAllowedHost} refuses (config validation catches these first). */
  constructor(allowedHosts: readonly string[] = []) {
    this.#addresses.addSubnet('127.0.0.0', 8, 'ipv4');
    this.#addresses.addAddress('::1', 'ipv6');
    for (const text of allowedHosts) {
      const entry = parseAllowedHost(text);
      if (!entry) throw new TypeError(`Not a host name, address or .domain: ${JSON.stringify(text)}`);
      this.#add(entry);
    }
  }

  /** The server listens on `host` (its `--host`): that name or address is allowed; a wildcard allows every address. */
  bind(host: string): void {
    const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (WILDCARDS.has(bare)) {
      this.#anyAddress = true;
      return;
    }
    const entry = parseAllowedHost(bare);
    if (entry) this.#add(entry);
  }

  /** Whether a request with this Host header is served. */
  allows(header: string | null | undefined): boolean {
    if (header === undefined || header === null) return true;
    const host = parseHost(header);
    if (host === undefined) return false;
    const family = isIP(host);
    if (family !== 0) {
      if (this.#anyAddress && !WILDCARDS.has(host)) return true;
      return this.#addresses.check(host, family === 4 ? 'ipv4' : 'ipv6');
    }
    if (isLoopbackName(host) || this.#names.has(host)) return true;
    return this.#suffixes.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
  }

  #add(entry: AllowedHost): void {
    if (entry.kind === 'name') this.#names.add(entry.value);
    else if (entry.kind === 'suffix') this.#suffixes.push(entry.value);
    else this.#addresses.addAddress(entry.value, isIP(entry.value) === 4 ? 'ipv4' : 'ipv6');
  }
}

/** The answer to a request for a Host this server does not serve. */
export function misdirectedResponse(): Response {
  return Response.json(
    { error: 'Misdirected request: this server does not answer to that Host name (see allowedHosts / --allow-host)', code: 'FORBIDDEN_HOST' },
    { status: 421, headers: { 'Cache-Control': 'no-store', Connection: 'close' } },
  );
}

/** Logs refused Hosts at most once per interval (a flood must not flood the log), with the count since the last line. */
export class HostRefusalLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #warnedAt = -Infinity;
  #count = 0;

  constructor(logger: Logger, intervalMs = 60_000) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  note(host: string): void {
    this.#count++;
    const now = Date.now();
    if (now - this.#warnedAt < this.#intervalMs) return;
    const shown = JSON.stringify(host.slice(0, 100));
    this.#logger.warn(
      { host: host.slice(0, 100), refused: this.#count },
      `refused a request for Host ${shown}: not a name of this server (DNS rebinding?). ` +
        'If it is yours, add it to allowedHosts / --allow-host. Further refusals are logged at most once a minute.',
    );
    this.#warnedAt = now;
    this.#count = 0;
  }
}
