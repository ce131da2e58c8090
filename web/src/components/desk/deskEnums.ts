/** The service desk's fixed vocabularies; labels live in desk.*.json under `desk.enum.*`. */
export const TICKET_TYPES = ['inquiry', 'complaint', 'claim', 'return', 'suggestion'] as const;
export const TICKET_CHANNELS = ['phone', 'visit', 'email', 'wechat', 'portal', 'meeting', 'sms'] as const;
export const TICKET_SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export const TICKET_STATUSES = ['new', 'open', 'waiting_customer', 'resolved', 'closed'] as const;
export const ROOT_CAUSES = ['value', 'system', 'people'] as const;
export const CUSTOMER_REACTIONS = ['satisfied', 'accepted', 'dissatisfied', 'no_response'] as const;
export const WORK_ORDER_STATUSES = ['pending', 'accepted', 'done', 'cancelled'] as const;

export const STATUS_COLORS: Record<string, string> = {
  new: 'magenta',
  open: 'processing',
  waiting_customer: 'warning',
  resolved: 'cyan',
  closed: 'default',
};

export const SEVERITY_COLORS: Record<string, string> = {
  low: 'default',
  normal: 'blue',
  high: 'orange',
  critical: 'red',
};

export const TYPE_COLORS: Record<string, string> = {
  inquiry: 'geekblue',
  complaint: 'volcano',
  claim: 'gold',
  return: 'purple',
  suggestion: 'green',
};

export const WORK_ORDER_COLORS: Record<string, string> = {
  pending: 'orange',
  accepted: 'processing',
  done: 'success',
  cancelled: 'default',
};

export const SLA_COLORS: Record<string, string> = {
  none: 'default',
  running: 'processing',
  warning: 'warning',
  breached: 'error',
  paused: 'default',
  met: 'success',
};
