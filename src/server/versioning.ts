import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem, conflict } from './problems.ts';

/**
 * The row version a client based its update on: `If-Match: "3"` (or W/"3") or a `version` field.
 * Updates without one are refused so a concurrent change is never silently overwritten.
 */
export function expectedVersion(request: FastifyRequest, bodyVersion?: number): number {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && header.trim() !== '') {
    const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
    if (!match) throw new Problem(412, 'Precondition Failed', 'If-Match must be the row version, e.g. "3".');
    return Number(match[1]);
  }
  if (typeof bodyVersion === 'number') return bodyVersion;
  throw new Problem(
    428,
    'Precondition Required',
    'Send the version you edited, in If-Match or a "version" field, so concurrent changes are not lost.',
  );
}

/**
 * For actions where the version is optional (archive, cancel, delete …): checked when sent in
 * If-Match or a `version` field, otherwise undefined.
 */
export function optionalVersion(request: FastifyRequest, bodyVersion?: number): number | undefined {
  const header = request.headers['if-match'];
  if ((typeof header === 'string' && header.trim() !== '') || typeof bodyVersion === 'number') {
    return expectedVersion(request, bodyVersion);
  }
  return undefined;
}

export function staleVersion(current: unknown): Problem {
  return conflict(
    'Someone else changed this record since you loaded it. Reload and apply your change again.',
    {
      current,
    },
  );
}

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header('etag', `"${version}"`);
}
