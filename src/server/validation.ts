import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

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
