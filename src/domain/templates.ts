/**
 * Standard wording (规范用语): response templates with `{{placeholder}}` fields filled from a
 * ticket. Pure functions: the knowledge service gathers the values, this module checks and renders.
 */

/** Every placeholder a template may use, with what it stands for (shown to admins). */
export const TEMPLATE_PLACEHOLDERS = {
  'customer.name': '客户名称',
  'contact.name': '联系人姓名',
  'ticket.number': '工单编号',
  'ticket.subject': '工单主题',
  'ticket.category': '工单分类',
  'agent.name': '处理人姓名',
  today: '今天的日期',
} as const;

export type TemplatePlaceholder = keyof typeof TEMPLATE_PLACEHOLDERS;
export type TemplateValues = Partial<Record<TemplatePlaceholder, string | null>>;

// `{{ name }}` with optional spaces; names are letters, digits, dots and underscores.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a body uses, in first-seen order, without duplicates. */
export function placeholdersOf(body: string): string[] {
  const out = new Set<string>();
  for (const match of body.matchAll(PLACEHOLDER)) out.add(match[1]);
  return [...out];
}

export function isKnownPlaceholder(name: string): name is TemplatePlaceholder {
  return Object.hasOwn(TEMPLATE_PLACEHOLDERS, name);
}

/** Placeholders of the body that are not in TEMPLATE_PLACEHOLDERS (a typo, or a field we lack). */
export function unknownPlaceholders(body: string): string[] {
  return placeholdersOf(body).filter((name) => !isKnownPlaceholder(name));
}

/**
 * Fills the placeholders. A value that is missing (a ticket without a contact) becomes an empty
 * string, so the text never shows `{{contact.name}}` to a customer; unknown names are left as they
 * are (templates are checked at save, so only old rows could carry them).
 */
export function renderTemplate(body: string, values: TemplateValues): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => {
    if (!isKnownPlaceholder(name)) return whole;
    return values[name] ?? '';
  });
}

/** A date as YYYY年M月D日 in the given IANA time zone (the `{{today}}` placeholder). */
export function chineseDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}年${Number(get('month'))}月${Number(get('day'))}日`;
}
