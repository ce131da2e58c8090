import { ApiError, api, type Schemas } from '../../api/client';

/**
 * Survey calls (issue 5, contract "Surveys"). Staff and portal routes go through a loosely typed
 * view of the generated client (same session, CSRF and error handling) with the contract's shapes,
 * so the pages do not depend on when each backend route lands in the generated schema. The public
 * token routes use a plain fetch without cookies: the link alone is the credential.
 */
type Init = {
  params?: { query?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
};
type Call = (path: string, init?: Init) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const raw = api as unknown as { GET: Call; POST: Call; PATCH: Call; PUT: Call; DELETE: Call };

async function run<T>(call: ReturnType<Call>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const body = error && typeof error === 'object' ? (error as Record<string, unknown>) : null;
    throw new ApiError(response.status, body);
  }
  return data as T;
}

function query(values?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length),
    ),
  );
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const SURVEY_TRIGGERS = ['manual', 'after_delivery', 'after_complaint', 'wave'] as const;
export type SurveyTrigger = (typeof SURVEY_TRIGGERS)[number];
export const SURVEY_STATUSES = ['draft', 'active', 'closed'] as const;
export const INVITATION_STATUSES = [
  'pending',
  'sent',
  'opened',
  'partial',
  'completed',
  'expired',
  'cancelled',
] as const;
export const DIMENSION_KEYS = ['expectation', 'quality', 'value', 'complaints', 'loyalty'] as const;
/** 5 is best; the questionnaire shows the best first. */
export const LIKERT = [5, 4, 3, 2, 1] as const;

export interface SurveySegment {
  valueClasses?: string[];
  departmentIds?: string[];
  customerIds?: string[];
  modes?: string[];
}

export interface SurveyStats {
  invited: number;
  sent: number;
  opened: number;
  partial: number;
  completed: number;
  expired: number;
  responseRate: number;
}

export interface SurveyWave {
  id: string;
  number: number;
  startedAt: string;
  invited: number;
  completed: number;
}

export interface Survey {
  id: string;
  name: string;
  modelId: string;
  versionId: string;
  trigger: SurveyTrigger;
  status: 'draft' | 'active' | 'closed';
  segment: SurveySegment;
  recurrenceMonths: number | null;
  nextWaveAt: string | null;
  askIdeal: boolean;
  askImportance: boolean;
  introZh: string | null;
  introEn: string | null;
  tokenTtlDays: number;
  reminderDays: number[];
  minDaysBetween: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** The list may leave these out; the survey page has them. */
  stats?: SurveyStats;
  waves?: SurveyWave[];
  modelName?: string | null;
  versionNumber?: number | null;
}

export interface SurveyBody {
  name: string;
  modelId: string;
  versionId?: string;
  trigger: SurveyTrigger;
  segment?: SurveySegment;
  recurrenceMonths?: number | null;
  nextWaveAt?: string | null;
  askIdeal?: boolean;
  askImportance?: boolean;
  introZh?: string | null;
  introEn?: string | null;
  tokenTtlDays?: number;
  reminderDays?: number[];
  minDaysBetween?: number;
}

export interface SendResult {
  waveId: string;
  number: number;
  invited: number;
  skipped: { customerId: string; reason: string; customerName?: string }[];
}

export interface Invitation {
  id: string;
  customerId: string;
  customerName: string | null;
  contactId: string | null;
  contactName: string | null;
  status: string;
  sentAt: string | null;
  openedAt: string | null;
  completedAt: string | null;
  reminderCount: number;
  expiresAt: string;
  refType: string | null;
  refId: string | null;
}

export interface Answer {
  itemKey: string;
  score?: number | null;
  idealScore?: number | null;
  importance?: number | null;
}

export interface SurveyResponse {
  id: string;
  invitationId: string;
  customerId: string;
  customerName: string | null;
  contactName: string | null;
  status: 'partial' | 'complete';
  responseIndex: number | null;
  channel: string;
  submittedAt: string | null;
  answers: Answer[];
  comment: string | null;
}

/** One questionnaire item as the answer page shows it. */
export interface QuestionItem {
  key: string;
  dimension: string | null;
  questionZh?: string | null;
  questionEn?: string | null;
  nameZh: string;
  nameEn: string;
  askIdeal?: boolean;
  askImportance?: boolean;
  /** Labels for the scores 5 … 1 when the satisfaction words do not fit the question (reverse items). */
  scaleLabelsZh?: string[] | null;
  scaleLabelsEn?: string[] | null;
}

/** GET /api/public/surveys/:token and GET /api/portal/surveys/:invitationId. */
export interface Questionnaire {
  surveyName: string;
  /** The contract leaves the intro's shape open: one text, or one per language. */
  intro?: string | { zh?: string | null; en?: string | null; 'zh-CN'?: string | null } | null;
  introZh?: string | null;
  introEn?: string | null;
  language?: string | null;
  /** The languages the survey has an intro in. */
  languages?: string[];
  customerName?: string | null;
  items: QuestionItem[];
  answers?: Answer[];
  comment?: string | null;
  status: string;
  expiresAt?: string | null;
}

export interface AnswersBody {
  answers: Answer[];
  comment?: string;
}

export interface PortalSurvey {
  invitationId: string;
  surveyName: string;
  status: string;
  expiresAt: string | null;
  sentAt: string | null;
  completedAt: string | null;
}

/** A model as far as the survey builder needs it (contract "Models"). */
export interface ModelNode {
  key: string;
  parentKey: string | null;
  level: number;
  nameZh: string;
  nameEn: string;
  dimension?: string;
  weight: number;
  questionZh?: string;
  questionEn?: string;
  reverse?: boolean;
  scaleLabelsZh?: string[] | null;
  scaleLabelsEn?: string[] | null;
}

export interface SatisfactionModel {
  id: string;
  name: string;
  status: string;
  isDefault: boolean;
  currentVersion: { id: string; version: number; nodes: ModelNode[]; answerCount: number };
  versions: {
    id: string;
    version: number;
    createdAt: string;
    changeNote: string | null;
    answerCount: number;
  }[];
}

export const surveyApi = {
  list: (q: Record<string, unknown>) =>
    run<Page<Survey>>(raw.GET('/api/surveys', { params: { query: query(q) } })),
  get: (id: string) => run<Survey>(raw.GET(`/api/surveys/${id}`)),
  create: (body: SurveyBody, key: string) =>
    run<Survey>(raw.POST('/api/surveys', { body, headers: { 'idempotency-key': key } })),
  update: (id: string, body: Partial<SurveyBody>) => run<Survey>(raw.PATCH(`/api/surveys/${id}`, { body })),
  activate: (id: string) => run<Survey>(raw.POST(`/api/surveys/${id}/activate`, { body: {} })),
  close: (id: string) => run<Survey>(raw.POST(`/api/surveys/${id}/close`, { body: {} })),
  send: (id: string, body: { segment?: SurveySegment; customerIds?: string[] }) =>
    run<SendResult>(raw.POST(`/api/surveys/${id}/send`, { body })),
  remind: (id: string) => run<{ reminded: number }>(raw.POST(`/api/surveys/${id}/remind`, { body: {} })),
  invitations: (id: string, q: Record<string, unknown>) =>
    run<Page<Invitation>>(raw.GET(`/api/surveys/${id}/invitations`, { params: { query: query(q) } })),
  responses: (id: string, q: Record<string, unknown>) =>
    run<Page<SurveyResponse>>(raw.GET(`/api/surveys/${id}/responses`, { params: { query: query(q) } })),
  models: async () => (await run<{ items: SatisfactionModel[] }>(raw.GET('/api/satisfaction/models'))).items,
  model: (id: string) => run<SatisfactionModel>(raw.GET(`/api/satisfaction/models/${id}`)),
  version: (modelId: string, versionId: string) =>
    run<{ id: string; version: number; nodes: ModelNode[] }>(
      raw.GET(`/api/satisfaction/models/${modelId}/versions/${versionId}`),
    ),
  portalList: async () => (await run<{ items: PortalSurvey[] }>(raw.GET('/api/portal/surveys'))).items,
  portalGet: (invitationId: string) => run<Questionnaire>(raw.GET(`/api/portal/surveys/${invitationId}`)),
  portalSave: (invitationId: string, body: AnswersBody) =>
    run<{ saved: number; status: string }>(raw.PUT(`/api/portal/surveys/${invitationId}/answers`, { body })),
  portalSubmit: (invitationId: string, body: AnswersBody) =>
    run<{ status: string; responseIndex: number | null }>(
      raw.POST(`/api/portal/surveys/${invitationId}/submit`, { body }),
    ),
};

/** The public token routes: no session cookie, no CSRF; the token is the credential. */
async function publicCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'omit',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null,
    );
  }
  return parsed as T;
}

const tokenPath = (token: string) => `/api/public/surveys/${encodeURIComponent(token)}`;

export const publicSurveyApi = {
  get: (token: string) => publicCall<Questionnaire>('GET', tokenPath(token)),
  save: (token: string, body: AnswersBody) =>
    publicCall<{ saved: number; status: string }>('PUT', `${tokenPath(token)}/answers`, body),
  submit: (token: string, body: AnswersBody) =>
    publicCall<{ status: string; responseIndex: number | null }>('POST', `${tokenPath(token)}/submit`, body),
};

/** The leaves of a model version as questionnaire items, each under its level-2 dimension. */
export function itemsOfNodes(
  nodes: ModelNode[],
  options: { askIdeal?: boolean; askImportance?: boolean } = {},
): QuestionItem[] {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const parents = new Set(nodes.map((n) => n.parentKey).filter(Boolean));
  const dimensionOf = (node: ModelNode): string | null => {
    let current: ModelNode | undefined = node;
    while (current) {
      if (current.level === 2) return current.dimension ?? current.key;
      current = current.parentKey ? byKey.get(current.parentKey) : undefined;
    }
    return null;
  };
  return nodes
    .filter((n) => n.level > 1 && !parents.has(n.key))
    .map((n) => ({
      key: n.key,
      dimension: dimensionOf(n),
      questionZh: n.questionZh ?? null,
      questionEn: n.questionEn ?? null,
      nameZh: n.nameZh,
      nameEn: n.nameEn,
      scaleLabelsZh: n.scaleLabelsZh ?? null,
      scaleLabelsEn: n.scaleLabelsEn ?? null,
      askIdeal: options.askIdeal,
      askImportance: options.askImportance,
    }));
}

/** Whether a questionnaire's status means it can no longer be answered. */
export const isAnswered = (status: string | null | undefined) =>
  status === 'complete' || status === 'completed';

// What the server declares (npm run gen:api) must fit the shapes above, so a change on either
// side fails the type check instead of a page.
type Fits<T extends true> = T;
export type DeclaredShapesFit = [
  Fits<Schemas['Survey'] extends Survey ? true : false>,
  Fits<Schemas['SurveyInvitation'] extends Invitation ? true : false>,
  Fits<Schemas['SurveyResponse'] extends SurveyResponse ? true : false>,
  Fits<Schemas['SurveyQuestionnaire'] extends Questionnaire ? true : false>,
];
