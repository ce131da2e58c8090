import type { FastifyError, FastifyInstance } from 'fastify';
import { type FieldProblem, Problem } from './problems.ts';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * A union of literals fails once per literal plus once for anyOf; say it once per field, listing the
 * allowed values, and drop exact repeats.
 */
function collapseFieldProblems(raw: (FieldProblem & { allowed?: unknown })[]): FieldProblem[] {
  const result: FieldProblem[] = [];
  const byField = new Map<string, (FieldProblem & { allowed?: unknown })[]>();
  for (const problem of raw) {
    const list = byField.get(problem.field) ?? [];
    list.push(problem);
    byField.set(problem.field, list);
  }
  for (const [field, problems] of byField) {
    const consts = problems.filter((p) => p.code === 'const');
    if (
      consts.length > 1 &&
      problems.every((p) => p.code === 'const' || p.code === 'anyOf' || p.code === 'type')
    ) {
      const values = consts.map((p) => JSON.stringify(p.allowed)).join(', ');
      result.push({ field, message: `must be one of ${values}`, code: 'enum' });
      continue;
    }
    const seen = new Set<string>();
    for (const { allowed: _allowed, ...problem } of problems) {
      if (problem.code === 'anyOf' && problems.length > 1) continue;
      const key = `${problem.message}|${problem.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push(problem);
    }
  }
  return result;
}

/** The database error behind an error, also when the ORM wrapped it (drizzle puts it in `cause`). */
function databaseError(error: unknown): PgError | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as PgError).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as PgError;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function problemBody(
  status: number,
  title: string,
  detail: string | undefined,
  extra: object,
  type?: string,
) {
  return { type: type ?? 'about:blank', title, status, detail, ...extra };
}

/** Every error leaves as RFC 9457 problem JSON; bad input is a 4xx, never a 500 with a stack. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & PgError, request, reply) => {
    let status = 500;
    let title = 'Internal Server Error';
    let detail: string | undefined = 'Something went wrong on our side; it has been logged.';
    let extra: Record<string, unknown> = {};
    let type: string | undefined;

    if (error instanceof Problem) {
      status = error.status;
      title = error.title;
      detail = error.detail;
      extra = error.extra;
      type = error.type;
    } else if (error.validation) {
      status = 400;
      title = 'Bad Request';
      const raw: FieldProblem[] = error.validation.map((v) => {
        const base = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        const missing = (v.params as { missingProperty?: string }).missingProperty;
        const extraProp = (v.params as { additionalProperty?: string }).additionalProperty;
        const field = [base, missing ?? extraProp].filter(Boolean).join('.') || error.validationContext || '';
        const message = extraProp
          ? `unknown field "${extraProp}"`
          : missing
            ? 'is required'
            : (v.message ?? 'is invalid');
        const allowed = (v.params as { allowedValue?: unknown }).allowedValue;
        return { field, message, code: v.keyword, ...(allowed !== undefined ? { allowed } : {}) };
      });
      const errors = collapseFieldProblems(raw);
      detail = `Invalid ${error.validationContext ?? 'request'}: ${errors
        .slice(0, 5)
        .map((e) => `${e.field || '(root)'} ${e.message}`)
        .join('; ')}`;
      extra = { errors };
    } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      status = 400;
      title = 'Bad Request';
      detail = 'The request body is not valid JSON.';
    } else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      status = 400;
      title = 'Bad Request';
      detail = 'The request body is empty; send a JSON object.';
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      title = status === 429 ? 'Too Many Requests' : status === 413 ? 'Payload Too Large' : 'Bad Request';
      detail = error.message;
    } else if (databaseError(error)) {
      const db = databaseError(error)!;
      const code = db.code ?? '';
      if (code.startsWith('22')) {
        // Class 22 is "data exception": a value the database cannot store (NUL byte, year 0,
        // out-of-range number, malformed timestamp in a cursor). Always the caller's input.
        status = 400;
        title = 'Bad Request';
        detail =
          code === '22001' ? 'A value is too long.' : 'A value has the wrong format or is out of range.';
      } else if (code === '23505') {
        status = 409;
        title = 'Conflict';
        detail = 'A record with the same unique value already exists.';
        extra = { constraint: db.constraint };
      } else if (code === '23503' || code === '23514' || code === '23502') {
        status = 422;
        title = 'Validation Failed';
        detail =
          code === '23503' ? 'A referenced record does not exist.' : 'A value breaks a rule of the data.';
        extra = { constraint: db.constraint };
      }
    }

    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, title, detail }, 'request refused');
    reply
      .status(status)
      .type('application/problem+json')
      .send(problemBody(status, title, detail, extra, type));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .type('application/problem+json')
      .send(problemBody(404, 'Not Found', `No route ${request.method} ${request.url.split('?')[0]}.`, {}));
  });
}
