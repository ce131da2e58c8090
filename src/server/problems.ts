/** RFC 9457 problem details raised by services and turned into responses by the error handler. */
export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> & { errors?: FieldProblem[] } = {},
    readonly type = `https://liaison.dev/problems/${slug(title)}`,
  ) {
    super(detail ?? title);
  }
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export const badRequest = (detail: string, errors?: FieldProblem[]) =>
  new Problem(400, 'Bad Request', detail, errors ? { errors } : {});
export const validationFailed = (errors: FieldProblem[], detail = 'The request has invalid fields.') =>
  new Problem(422, 'Validation Failed', detail, { errors });
export const unauthorized = (detail = 'Log in first.') => new Problem(401, 'Unauthorized', detail);
export const forbidden = (detail = 'You may not do this.') => new Problem(403, 'Forbidden', detail);
export const notFound = (what = 'Resource') => new Problem(404, 'Not Found', `${what} not found.`);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(409, 'Conflict', detail, extra);
export const preconditionFailed = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(412, 'Precondition Failed', detail, extra);
export const tooManyRequests = (detail: string) => new Problem(429, 'Too Many Requests', detail);
