/** The fixed vocabularies of the domain; labels live in the i18n files under `enum.*`. */
export const STAGES = ['prospect', 'negotiating', 'active', 'retained', 'churned'] as const;
export const VALUE_CLASSES = ['A', 'B', 'C'] as const;
export const NEED_TYPES = ['price', 'service', 'product'] as const;
export const BONDS = ['financial', 'social', 'structural'] as const;
export const SERVICE_MODES = ['air', 'sea', 'road', 'rail', 'warehouse', 'distribution', 'customs'] as const;
export const CHANNELS = ['phone', 'visit', 'email', 'wechat', 'portal', 'meeting', 'sms'] as const;
export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const CONTACT_CHANNELS = ['phone', 'email', 'wechat', 'sms', 'visit'] as const;
export const FREQUENCIES = ['weekly', 'monthly', 'quarterly', 'half_yearly', 'only_when_needed'] as const;
export const ROLES = ['agent', 'supervisor', 'operations', 'manager', 'admin', 'portal'] as const;
export const FOLLOW_UP_KINDS = [
  'manual',
  'periodic',
  'greeting',
  'post_delivery',
  'post_complaint',
  'second_visit',
  'shipment_exception',
  'satisfaction_alert',
  'corrective_action',
] as const;
export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export const SPECIAL_HANDLING = [
  'hazmat',
  'cold_chain',
  'high_value',
  'oversized',
  'fragile',
  'live_animals',
  'pharma',
] as const;
export const SHIPPING_FREQUENCIES = ['daily', 'several_per_week', 'weekly', 'monthly', 'occasional'] as const;
export const ADDRESS_KINDS = [
  'registered',
  'office',
  'billing',
  'warehouse',
  'pickup',
  'delivery',
  'other',
] as const;
export const IMPORTANT_DATE_KINDS = ['birthday', 'company_anniversary', 'holiday', 'other'] as const;
export const CUSTOMER_KINDS = ['company', 'person'] as const;

export const STAGE_COLORS: Record<string, string> = {
  prospect: 'default',
  negotiating: 'processing',
  active: 'success',
  retained: 'cyan',
  churned: 'error',
};

export const CLASS_COLORS: Record<string, string> = { A: 'gold', B: 'blue', C: 'default' };

export const ROLE_COLORS: Record<string, string> = {
  admin: 'red',
  manager: 'purple',
  supervisor: 'geekblue',
  agent: 'blue',
  operations: 'cyan',
  portal: 'default',
};
