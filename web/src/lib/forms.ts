import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** The server's phone rule: digits, spaces, dashes, brackets, optional +, an optional extension (转 801). */
export const PHONE_PATTERN = /^\+?[0-9()\-\s.]{3,30}(\s*(转|ext\.?|x|#)\s*[0-9]{1,6})?$/;

/** "contacts.0.name" → ['contacts', 0, 'name'], the NamePath antd forms use. */
function namePath(field: string): (string | number)[] {
  return field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** A field problem in the user's language: known validation keywords are translated, others kept. */
export function fieldMessage(t: TFunction, problem: { message: string; code?: string }): string {
  if (problem.code) {
    const key = `validation.${problem.code}`;
    const translated = t(key, { defaultValue: '' });
    if (translated) return translated;
  }
  return problem.message;
}

/**
 * Puts the server's field problems (`errors[].field`) on the matching form fields. Returns the
 * problems that have no field in the form, so the caller can show them in a message.
 */
export function applyFieldErrors(
  form: FormInstance,
  error: unknown,
  t: TFunction,
  options: { prefix?: string; aliases?: Record<string, string> } = {},
): string[] {
  if (!(error instanceof ApiError)) return [error instanceof Error ? error.message : String(error)];
  const unplaced: string[] = [];
  const fields = new Map<string, string>();
  const registered = new Set<string>();
  form.getFieldsValue(true, (meta) => {
    if (meta) registered.add(meta.name.join('.'));
    return false;
  });
  for (const problem of error.errors) {
    let field = options.aliases?.[problem.field] ?? problem.field;
    // Errors of a nested object edited on its own (e.g. requirements.lanes.0.origin).
    if (options.prefix && field.startsWith(`${options.prefix}.`))
      field = field.slice(options.prefix.length + 1);
    const message = fieldMessage(t, problem);
    // A nullable field's schema reports several problems; the first one is the specific one.
    if (fields.has(field)) continue;
    fields.set(field, message);
    if (!field || !registered.has(field)) unplaced.push(field ? `${field}: ${message}` : message);
  }
  if (fields.size) {
    const placed = [...fields].filter(([field]) => field && registered.has(field));
    form.setFields(placed.map(([field, message]) => ({ name: namePath(field), errors: [message] })) as never);
  }
  if (!error.errors.length) unplaced.push(errorText(t, error));
  return unplaced;
}

/** A 409 because someone changed the row since it was loaded (the answer carries `current`). */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && 'current' in error.body;
}

/** One line describing an error, in the user's language where the status says enough. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    // The server's detail is English; the status explains enough in the user's language.
    const byStatus = t(`errors.${error.status}`, { defaultValue: '' });
    if ((error.status === 400 || error.status === 422) && error.detail) return error.detail;
    // 409 is either a stale row version (the answer carries `current`) or a clash with other data.
    if (error.status === 409 && !('current' in error.body)) {
      return error.detail ? t('errors.conflictWithDetail', { detail: error.detail }) : t('errors.conflict');
    }
    return byStatus || error.detail || error.title;
  }
  if (error instanceof TypeError) return t('errors.network');
  return error instanceof Error ? error.message : String(error);
}
