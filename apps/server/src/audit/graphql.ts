/**
 * `auditLog(first, after)`: the audit trail as a cursor connection, newest
 * first (admin only: access/scope.ts's FIELD_ACCESS).
 * @module
 */
import type { AuditEntryConnection, QueryAuditLogArgs } from '@servercam/schema';
import { isoTime } from '../frames/serialize.ts';
import { badUserInput } from '../schema/errors.ts';
import { type AuditLog, InvalidAuditCursor, MAX_AUDIT_PAGE } from './log.ts';

export function auditPage(log: AuditLog | undefined, args: Partial<QueryAuditLogArgs>): AuditEntryConnection {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 0 || first > MAX_AUDIT_PAGE) throw badUserInput(`first must be a whole number from 0 to ${MAX_AUDIT_PAGE}, got ${first}`, 'first');
  if (!log) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
  try {
    const page = log.list({ first, after: args.after ?? undefined });
    const edges = page.entries.map((entry) => ({
      cursor: String(entry.id),
      node: {
        id: String(entry.id),
        at: isoTime(entry.at),
        action: entry.action,
        principal: entry.principal ?? null,
        address: entry.address ?? null,
        cameraId: entry.cameraId ?? null,
        detail: entry.detail ?? null,
        count: entry.count,
      },
    }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: page.totalCount };
  } catch (error) {
    if (error instanceof InvalidAuditCursor) throw badUserInput(error.message, 'after');
    throw error;
  }
}
