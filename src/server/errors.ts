import type { FastifyError, FastifyInstance } from 'fastify';
import { type FieldProblem, Problem } from './problems.ts';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
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
      const errors: FieldProblem[] = error.validation.map((v) => {
        const base = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        const missing = (v.params as { missingProperty?: string }).missingProperty;
        const extraProp = (v.params as { additionalProperty?: string }).additionalProperty;
        const field = [base, missing ?? extraProp].filter(Boolean).join('.') || error.validationContext || '';
        const message = extraProp
          ? `unknown field "${extraProp}"`
          : missing
            ? 'is required'
            : (v.message ?? 'is invalid');
        return { field, message, code: v.keyword };
      });
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
    } else if (error.code === '22P02' || error.code === '22007' || error.code === '22008') {
      status = 400;
      title = 'Bad Request';
      detail = 'A value has the wrong format.';
    } else if (error.code === '22001') {
      status = 400;
      title = 'Bad Request';
      detail = 'A value is too long.';
    } else if (error.code === '23505') {
      status = 409;
      title = 'Conflict';
      detail = 'A record with the same unique value already exists.';
      extra = { constraint: error.constraint };
    } else if (error.code === '23503') {
      status = 422;
      title = 'Validation Failed';
      detail = 'A referenced record does not exist.';
      extra = { constraint: error.constraint };
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
