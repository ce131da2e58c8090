import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { badRequest } from './problems.ts';

const options = {
  allErrors: true,
  // Unknown fields are an error, not silently dropped.
  removeAdditional: false,
  useDefaults: true,
  strict: false,
} as const;

// Bodies keep their JSON types (a number sent as "5" is wrong); query strings and params are text
// on the wire and are coerced.
const bodyAjv = addFormats.default(new Ajv.default({ ...options, coerceTypes: false }));
const textAjv = addFormats.default(new Ajv.default({ ...options, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema);
};

/** The path of the first string holding a NUL character, which PostgreSQL text cannot store. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = findNul(child, path ? `${path}.${key}` : key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Refuses NUL characters in bodies and query strings with a field-level 400. */
export function installTextGuards(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['body', request.body],
      ['querystring', request.query],
      ['params', request.params],
    ] as const) {
      const field = findNul(value, '');
      if (field !== undefined) {
        throw badRequest(`Invalid ${part}: ${field || '(root)'} contains a NUL character.`, [
          { field, message: 'must not contain NUL characters', code: 'nul' },
        ]);
      }
    }
  });
}
