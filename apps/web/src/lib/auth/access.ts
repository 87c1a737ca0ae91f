/**
 * What the signed-in principal may do, as the UI shows it: its capabilities
 * and cameras (the `viewer` query), and the pages it may open. The server
 * enforces all of it; the UI only hides what would be refused.
 * @module
 */

import type { Capability } from '@servercam/schema/client';

/** A capability of a token (the schema's `Capability`). */
export type { Capability };

export const CAPABILITIES: readonly Capability[] = ['VIEW', 'EVENTS', 'CONTROL', 'ADMIN'];

/** The camera id that stands for every camera. */
export const ALL_CAMERAS = '*';

/** The principal's access (the `viewer` query's answer). */
export interface ViewerAccess {
  readonly capabilities: readonly Capability[];
  /** Camera ids in scope, or `["*"]` for all. */
  readonly cameras: readonly string[];
  /** Whether the credential is a share link. */
  readonly shareLink: boolean;
  readonly expiresAt?: string | null | undefined;
}

/** Whether `viewer` holds `capability`; nothing is allowed before it is known. */
export function can(viewer: ViewerAccess | null | undefined, capability: Capability): boolean {
  return viewer?.capabilities.includes(capability) ?? false;
}

export interface PageLink {
  readonly href: string;
  readonly text: string;
  /** The capability the page needs, if any beyond signing in. */
  readonly needs?: Capability;
}

export const PAGES: readonly PageLink[] = [
  { href: '/', text: 'Live' },
  { href: '/cameras', text: 'Cameras' },
  { href: '/events', text: 'Events', needs: 'EVENTS' },
  { href: '/admin', text: 'Admin', needs: 'ADMIN' },
];

/** The pages `viewer` may open: those without a need, and those whose capability it holds. */
export function visiblePages(viewer: ViewerAccess | null | undefined, pages: readonly PageLink[] = PAGES): PageLink[] {
  return pages.filter((link) => link.needs === undefined || can(viewer, link.needs));
}

/** A token's cameras in words: "All cameras" for `*`, else their labels. */
export function describeCameras(cameras: readonly string[], label: (id: string) => string = (id) => id): string {
  if (cameras.includes(ALL_CAMERAS)) return 'All cameras';
  if (cameras.length === 0) return 'No cameras';
  return cameras.map(label).join(', ');
}

const WORDS: Record<Capability, string> = { VIEW: 'View', EVENTS: 'Events', CONTROL: 'Control', ADMIN: 'Admin' };

export function capabilityWord(capability: Capability): string {
  return WORDS[capability];
}

/** The capability the page at `pathname` needs, if any (`/events` needs EVENTS, `/admin` ADMIN). */
export function pageNeeds(pathname: string, pages: readonly PageLink[] = PAGES): Capability | undefined {
  return pages.find((link) => link.href !== '/' && (pathname === link.href || pathname.startsWith(`${link.href}/`)))?.needs;
}

/** Share views (`/share/<token>`) stand alone: no sign-in, no nav, only the shared camera. */
export const SHARE_PREFIX = '/share/';

export function isSharePath(pathname: string): boolean {
  return pathname.startsWith(SHARE_PREFIX);
}
