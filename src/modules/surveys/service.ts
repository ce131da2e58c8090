import { randomBytes } from 'node:crypto';
import { type SQL, and, asc, desc, eq, gte, inArray, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import { responseIndex } from '../../domain/satisfaction/index.ts';
import type { ModelNode } from '../../domain/satisfaction/model.ts';
import {
  type AnswerInput,
  dimensionOf,
  dueReminder,
  hashToken,
  looksLikeToken,
  mergeAnswers,
  nextWaveAt,
  surveyItems,
  tokenExpiresAt,
  tokenState,
  validateAnswers,
} from '../../domain/surveys.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { Problem, conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import { contacts, customers } from '../customers/tables.ts';
import { satisfactionModelVersions, satisfactionModels } from '../satisfaction/tables.ts';
import { shipments } from '../shipments/tables.ts';
import { tickets } from '../tickets/tables.ts';
import { registerPortalTimelineKind } from '../timeline/service.ts';
import {
  type InvitationStatus,
  type ResponseChannel,
  type SurveySegment,
  type SurveyStatus,
  type SurveyTrigger,
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveyWaves,
  surveys,
} from './tables.ts';

// A merged customer file keeps its invitations and answers.
registerCustomerOwnedTable('surveyInvitations', surveyInvitations, surveyInvitations.customerId);
registerCustomerOwnedTable('surveyResponses', surveyResponses, surveyResponses.customerId);

/** "You answered survey X" on the customer's timeline, visible to their portal users too. */
export const SURVEY_ANSWERED = 'survey.answered';
registerPortalTimelineKind(SURVEY_ANSWERED);

const DAY_MS = 86_400_000;
const OPEN_STATUSES: InvitationStatus[] = ['pending', 'sent', 'opened', 'partial'];
const RATE_LIMIT_CACHE_MS = 10_000;

export type Survey = typeof surveys.$inferSelect;
export type Invitation = typeof surveyInvitations.$inferSelect;

export interface SurveyStats {
  invited: number;
  sent: number;
  opened: number;
  partial: number;
  completed: number;
  expired: number;
  /** completed / sent, 0–1 (0 before anything was sent). */
  responseRate: number;
}

export interface SurveyView extends Survey {
  modelName: string | null;
  versionNumber: number | null;
  stats: SurveyStats;
  waves: { id: string; number: number; startedAt: Date; invited: number; completed: number }[];
}

export interface SurveyInput {
  name: string;
  modelId: string;
  versionId?: string | null;
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

export type SurveyPatch = Partial<SurveyInput>;

export interface SendInput {
  segment?: SurveySegment;
  customerIds?: string[];
  contactIds?: string[];
}

export interface AnswersBody {
  answers: AnswerInput[];
  comment?: string | null;
}

interface Target {
  customerId: string;
  contactId?: string | null;
  refType?: string;
  refId?: string;
  departmentId?: string | null;
  mode?: string | null;
  lane?: string | null;
}

type Contact = typeof contacts.$inferSelect;

/** Who may create, send and close surveys (the contract: supervisors, managers, admins). */
function canManageSurveys(actor: Actor): boolean {
  return actor.role === 'supervisor' || actor.role === 'manager' || actor.role === 'admin';
}

const reachable = (c: Contact) => !c.archivedAt && !c.doNotContact && !!c.email?.trim();

/** The token link's problems: plain words a customer understands. */
const tokenProblem = {
  unknown: () =>
    new Problem(404, 'Not Found', 'This survey link is not valid. Please check the link in your email.'),
  completed: () =>
    new Problem(
      409,
      'Conflict',
      'This survey has already been answered. Thank you!',
      {},
      'https://liaison.dev/problems/survey-answered',
    ),
  expired: () =>
    new Problem(
      410,
      'Gone',
      'This survey link has expired.',
      {},
      'https://liaison.dev/problems/survey-expired',
    ),
  closed: () =>
    new Problem(
      410,
      'Gone',
      'This survey is closed and no longer takes answers.',
      {},
      'https://liaison.dev/problems/survey-closed',
    ),
};

/**
 * Surveys from a model version: sending (by hand, after a delivery or a closed complaint, in
 * periodic waves to a segment), one-time token links (only their SHA-256 stored), public and portal
 * answering with partial saves, reminders, expiry and response rate.
 */
export class SurveysService {
  private rateLimitCache: { value: number; at: number } | null = null;

  constructor(protected readonly ctx: AppContext) {}

  /** `surveys.publicRateLimitPerMinute`, re-read at most every 10 seconds. */
  async rateLimitPerMinute(): Promise<number> {
    const now = Date.now();
    if (this.rateLimitCache && now - this.rateLimitCache.at < RATE_LIMIT_CACHE_MS)
      return this.rateLimitCache.value;
    const raw = Number(await this.ctx.services.settings.get('surveys.publicRateLimitPerMinute'));
    const value = Number.isFinite(raw) && raw >= 1 ? Math.floor(raw) : 60;
    this.rateLimitCache = { value, at: now };
    return value;
  }

  /** Where token links point: PUBLIC_URL, else the origin of the request that sent them, else this server. */
  baseUrl(origin?: string): string {
    return this.ctx.config.publicUrl ?? origin ?? `http://${this.ctx.config.host}:${this.ctx.config.port}`;
  }

  // -------------------------------------------------------------------------------------------
  // Staff: surveys
  // -------------------------------------------------------------------------------------------

  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden();
  }

  private requireManager(actor: Actor): void {
    if (!canManageSurveys(actor)) throw forbidden('Only supervisors, managers and admins manage surveys.');
  }

  async list(
    actor: Actor,
    filter: { status?: SurveyStatus; trigger?: SurveyTrigger; cursor?: string; limit: number },
  ) {
    this.requireStaff(actor);
    const cursor = decodeTimeCursor(filter.cursor);
    const conditions: SQL[] = [];
    if (filter.status) conditions.push(eq(surveys.status, filter.status));
    if (filter.trigger) conditions.push(eq(surveys.trigger, filter.trigger));
    if (cursor) conditions.push(afterTimeCursor(surveys.createdAt, surveys.id, cursor, 'desc'));
    const rows = await this.ctx.db
      .select()
      .from(surveys)
      .where(and(...conditions))
      .orderBy(desc(surveys.createdAt), desc(surveys.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.createdAt.toISOString(), r.id]);
    return { items: await this.views(page.items), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<SurveyView> {
    this.requireStaff(actor);
    const [view] = await this.views([await this.row(id)]);
    return view;
  }

  private async row(id: string, db: DbOrTx = this.ctx.db, lock = false): Promise<Survey> {
    if (!isUuid(id)) throw notFound('Survey');
    const query = db.select().from(surveys).where(eq(surveys.id, id));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw notFound('Survey');
    return row;
  }

  /** Surveys with their model, stats and waves: three grouped queries for the whole page. */
  private async views(rows: Survey[], db: DbOrTx = this.ctx.db): Promise<SurveyView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const now = this.ctx.now();
    const i = surveyInvitations;
    const [stats, waveRows, waveCounts, models] = await Promise.all([
      db
        .select({
          surveyId: i.surveyId,
          invited: sql<number>`count(*)::int`,
          sent: sql<number>`count(${i.sentAt})::int`,
          opened: sql<number>`count(${i.openedAt})::int`,
          partial: sql<number>`(count(*) filter (where ${i.status} = 'partial' and ${i.expiresAt} > ${now}))::int`,
          completed: sql<number>`(count(*) filter (where ${i.status} = 'completed'))::int`,
          expired: sql<number>`(count(*) filter (where ${i.status} = 'expired' or (${i.status} in ('pending', 'sent', 'opened', 'partial') and ${i.expiresAt} <= ${now})))::int`,
        })
        .from(i)
        .where(inArray(i.surveyId, ids))
        .groupBy(i.surveyId),
      db
        .select()
        .from(surveyWaves)
        .where(inArray(surveyWaves.surveyId, ids))
        .orderBy(asc(surveyWaves.number)),
      db
        .select({
          waveId: i.waveId,
          invited: sql<number>`count(*)::int`,
          completed: sql<number>`(count(*) filter (where ${i.status} = 'completed'))::int`,
        })
        .from(i)
        .where(inArray(i.surveyId, ids))
        .groupBy(i.waveId),
      db
        .select({
          modelId: satisfactionModels.id,
          modelName: satisfactionModels.name,
          versionId: satisfactionModelVersions.id,
          version: satisfactionModelVersions.version,
        })
        .from(satisfactionModelVersions)
        .innerJoin(satisfactionModels, eq(satisfactionModels.id, satisfactionModelVersions.modelId))
        .where(inArray(satisfactionModelVersions.id, [...new Set(rows.map((r) => r.versionId))])),
    ]);
    const statsOf = new Map(stats.map((s) => [s.surveyId, s]));
    const countsOf = new Map(waveCounts.map((w) => [w.waveId, w]));
    const modelOf = new Map(models.map((m) => [m.versionId, m]));
    return rows.map((row) => {
      const s = statsOf.get(row.id);
      const sent = s?.sent ?? 0;
      const completed = s?.completed ?? 0;
      return {
        ...row,
        modelName: modelOf.get(row.versionId)?.modelName ?? null,
        versionNumber: modelOf.get(row.versionId)?.version ?? null,
        stats: {
          invited: s?.invited ?? 0,
          sent,
          opened: s?.opened ?? 0,
          partial: s?.partial ?? 0,
          completed,
          expired: s?.expired ?? 0,
          responseRate: sent > 0 ? Math.round((completed / sent) * 10_000) / 10_000 : 0,
        },
        waves: waveRows
          .filter((w) => w.surveyId === row.id)
          .map((w) => ({
            id: w.id,
            number: w.number,
            startedAt: w.startedAt,
            invited: countsOf.get(w.id)?.invited ?? 0,
            completed: countsOf.get(w.id)?.completed ?? 0,
          })),
      };
    });
  }

  /** The version a survey asks from: the given one (of this model) or the model's current one. */
  private async resolveVersion(db: DbOrTx, modelId: string, versionId?: string | null): Promise<string> {
    const [model] = await db
      .select({ id: satisfactionModels.id, currentVersionId: satisfactionModels.currentVersionId })
      .from(satisfactionModels)
      .where(eq(satisfactionModels.id, modelId));
    if (!model) throw validationFailed([{ field: 'modelId', message: 'no such satisfaction model' }]);
    const wanted = versionId ?? model.currentVersionId;
    if (!wanted) throw validationFailed([{ field: 'versionId', message: 'the model has no version yet' }]);
    const [version] = await db
      .select({ id: satisfactionModelVersions.id, nodes: satisfactionModelVersions.nodes })
      .from(satisfactionModelVersions)
      .where(and(eq(satisfactionModelVersions.id, wanted), eq(satisfactionModelVersions.modelId, modelId)));
    if (!version) throw validationFailed([{ field: 'versionId', message: 'not a version of this model' }]);
    if (surveyItems(version.nodes).length === 0) {
      throw validationFailed([{ field: 'versionId', message: 'this version has no questionnaire items' }]);
    }
    return version.id;
  }

  private checkInput(input: SurveyPatch, trigger: SurveyTrigger | undefined): void {
    const problems = [];
    if (input.name !== undefined && !input.name.trim())
      problems.push({ field: 'name', message: 'must not be blank' });
    if (trigger === 'wave' && input.recurrenceMonths == null) {
      problems.push({ field: 'recurrenceMonths', message: 'a wave survey needs the months between waves' });
    }
    if (input.reminderDays && input.tokenTtlDays !== undefined) {
      const late = input.reminderDays.find((d) => d >= (input.tokenTtlDays ?? 0));
      if (late !== undefined) {
        problems.push({
          field: 'reminderDays',
          message: `a reminder after ${late} days would come after the link expires`,
        });
      }
    }
    if (problems.length > 0) throw validationFailed(problems, problems[0].message);
  }

  async create(actor: Actor, input: SurveyInput): Promise<SurveyView> {
    this.requireManager(actor);
    this.checkInput({ tokenTtlDays: 30, ...input }, input.trigger);
    const id = await this.ctx.db.transaction(async (tx) => {
      const versionId = await this.resolveVersion(tx, input.modelId, input.versionId);
      const now = this.ctx.now();
      const id = uuidv7();
      const values = {
        id,
        name: input.name.trim(),
        modelId: input.modelId,
        versionId,
        trigger: input.trigger,
        status: 'draft' as const,
        segment: input.segment ?? {},
        recurrenceMonths: input.recurrenceMonths ?? null,
        nextWaveAt: input.nextWaveAt ? new Date(input.nextWaveAt) : null,
        askIdeal: input.askIdeal ?? false,
        askImportance: input.askImportance ?? false,
        introZh: input.introZh?.trim() || null,
        introEn: input.introEn?.trim() || null,
        ...(input.tokenTtlDays !== undefined ? { tokenTtlDays: input.tokenTtlDays } : {}),
        ...(input.reminderDays !== undefined ? { reminderDays: input.reminderDays } : {}),
        ...(input.minDaysBetween !== undefined ? { minDaysBetween: input.minDaysBetween } : {}),
        createdById: actor.via === 'system' ? null : actor.id,
        createdAt: now,
        updatedAt: now,
      };
      await tx.insert(surveys).values(values);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'survey',
        entityId: id,
        after: values,
      });
      return id;
    });
    return this.get(actor, id);
  }

  /** Drafts change freely; an active survey only its name, intro, reminders, segment and recurrence. */
  async update(actor: Actor, id: string, patch: SurveyPatch): Promise<SurveyView> {
    this.requireManager(actor);
    await this.ctx.db.transaction(async (tx) => {
      const before = await this.row(id, tx, true);
      if (before.status === 'closed') throw conflict('This survey is closed; it cannot be changed.');
      if (before.status === 'active') {
        const allowed = new Set([
          'name',
          'introZh',
          'introEn',
          'reminderDays',
          'segment',
          'recurrenceMonths',
          'nextWaveAt',
        ]);
        const fixed = Object.keys(patch).filter(
          (k) => (patch as Record<string, unknown>)[k] !== undefined && !allowed.has(k),
        );
        if (fixed.length > 0) {
          throw conflict(
            `An active survey's ${fixed.join(', ')} cannot change; close it and make a new one.`,
            {
              fields: fixed,
            },
          );
        }
      }
      const trigger = patch.trigger ?? before.trigger;
      this.checkInput(
        {
          ...patch,
          recurrenceMonths:
            patch.recurrenceMonths !== undefined ? patch.recurrenceMonths : before.recurrenceMonths,
          tokenTtlDays: patch.tokenTtlDays ?? before.tokenTtlDays,
          reminderDays: patch.reminderDays ?? before.reminderDays,
        },
        trigger,
      );
      const modelId = patch.modelId ?? before.modelId;
      const versionId =
        patch.modelId !== undefined || patch.versionId !== undefined
          ? await this.resolveVersion(
              tx,
              modelId,
              patch.versionId ?? (patch.modelId ? null : before.versionId),
            )
          : before.versionId;
      const changes: Partial<typeof surveys.$inferInsert> = {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        modelId,
        versionId,
        trigger,
        ...(patch.segment !== undefined ? { segment: patch.segment } : {}),
        ...(patch.recurrenceMonths !== undefined ? { recurrenceMonths: patch.recurrenceMonths } : {}),
        ...(patch.nextWaveAt !== undefined
          ? { nextWaveAt: patch.nextWaveAt ? new Date(patch.nextWaveAt) : null }
          : {}),
        ...(patch.askIdeal !== undefined ? { askIdeal: patch.askIdeal } : {}),
        ...(patch.askImportance !== undefined ? { askImportance: patch.askImportance } : {}),
        ...(patch.introZh !== undefined ? { introZh: patch.introZh?.trim() || null } : {}),
        ...(patch.introEn !== undefined ? { introEn: patch.introEn?.trim() || null } : {}),
        ...(patch.tokenTtlDays !== undefined ? { tokenTtlDays: patch.tokenTtlDays } : {}),
        ...(patch.reminderDays !== undefined ? { reminderDays: patch.reminderDays } : {}),
        ...(patch.minDaysBetween !== undefined ? { minDaysBetween: patch.minDaysBetween } : {}),
        updatedAt: this.ctx.now(),
      };
      await tx.update(surveys).set(changes).where(eq(surveys.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'survey',
        entityId: id,
        before,
        after: changes,
      });
    });
    return this.get(actor, id);
  }

  /** Draft → active. A wave survey without a date for its first wave gets one now (the sweeper sends it). */
  async activate(actor: Actor, id: string): Promise<SurveyView> {
    this.requireManager(actor);
    await this.ctx.db.transaction(async (tx) => {
      const before = await this.row(id, tx, true);
      if (before.status !== 'draft')
        throw conflict(`This survey is ${before.status}; only a draft can be activated.`);
      const now = this.ctx.now();
      const changes = {
        status: 'active' as const,
        updatedAt: now,
        ...(before.trigger === 'wave' && !before.nextWaveAt ? { nextWaveAt: now } : {}),
      };
      await tx.update(surveys).set(changes).where(eq(surveys.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'activate',
        entityType: 'survey',
        entityId: id,
        before,
        after: changes,
      });
    });
    return this.get(actor, id);
  }

  /** Stops sending and answering: open links answer 410 from now on. */
  async close(actor: Actor, id: string): Promise<SurveyView> {
    this.requireManager(actor);
    await this.ctx.db.transaction(async (tx) => {
      const before = await this.row(id, tx, true);
      if (before.status === 'closed') throw conflict('This survey is already closed.');
      const now = this.ctx.now();
      const changes = { status: 'closed' as const, closedAt: now, updatedAt: now };
      await tx.update(surveys).set(changes).where(eq(surveys.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'close',
        entityType: 'survey',
        entityId: id,
        before,
        after: changes,
      });
    });
    return this.get(actor, id);
  }

  // -------------------------------------------------------------------------------------------
  // Sending
  // -------------------------------------------------------------------------------------------

  /**
   * Starts a wave by hand: one invitation per matching customer's first reachable contact (primary
   * first) or to the given contacts. Customers without a reachable contact (no email, do-not-contact,
   * archived) and contacts already invited in this wave are reported in `skipped`.
   */
  async send(actor: Actor, id: string, input: SendInput, origin?: string) {
    this.requireManager(actor);
    return this.ctx.db.transaction(async (tx) => {
      const survey = await this.row(id, tx, true);
      if (survey.status !== 'active')
        throw conflict(`This survey is ${survey.status}; activate it before sending.`);
      const segment: SurveySegment = {
        ...(input.segment ?? survey.segment),
        ...(input.customerIds?.length ? { customerIds: input.customerIds } : {}),
      };
      const result = await this.sendWave(tx, survey, segment, input.contactIds, actor, this.baseUrl(origin));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'send',
        entityType: 'survey',
        entityId: id,
        after: {
          waveId: result.waveId,
          number: result.number,
          invited: result.invited,
          segment,
          contactIds: input.contactIds,
        },
      });
      return result;
    });
  }

  private async sendWave(
    tx: DbOrTx,
    survey: Survey,
    segment: SurveySegment,
    contactIds: string[] | undefined,
    actor: Actor | null,
    base: string,
  ) {
    const now = this.ctx.now();
    const [{ last }] = await tx
      .select({ last: sql<number>`coalesce(max(${surveyWaves.number}), 0)::int` })
      .from(surveyWaves)
      .where(eq(surveyWaves.surveyId, survey.id));
    const waveId = uuidv7();
    const number = last + 1;
    await tx.insert(surveyWaves).values({
      id: waveId,
      surveyId: survey.id,
      number,
      segment,
      startedAt: now,
      startedById: actor && actor.via !== 'system' ? actor.id : null,
    });
    const skipped: { customerId: string; reason: string }[] = [];
    const targets: { customerId: string; contact: Contact }[] = [];
    if (contactIds?.length) {
      const wanted = [...new Set(contactIds)];
      const rows = await tx.select().from(contacts).where(inArray(contacts.id, wanted));
      const missing = wanted.filter((c) => !rows.some((r) => r.id === c));
      if (missing.length > 0) {
        throw validationFailed(
          missing.map((c) => ({ field: 'contactIds', message: `no such contact ${c}` })),
          `No such contact: ${missing.join(', ')}`,
        );
      }
      for (const contact of rows) {
        if (reachable(contact)) targets.push({ customerId: contact.customerId, contact });
        else skipped.push({ customerId: contact.customerId, reason: this.unreachableReason(contact) });
      }
    } else {
      const matching = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(...this.segmentConditions(segment, now)))
        .orderBy(asc(customers.id));
      const byCustomer = await this.contactsOf(
        tx,
        matching.map((c) => c.id),
      );
      for (const { id: customerId } of matching) {
        const list = byCustomer.get(customerId) ?? [];
        const contact = list.find(reachable);
        if (contact) targets.push({ customerId, contact });
        else
          skipped.push({
            customerId,
            reason: list.length === 0 ? 'no_contact' : this.unreachableReason(list[0]),
          });
      }
    }
    let invited = 0;
    for (const target of targets) {
      const made = await this.invite(
        tx,
        survey,
        { customerId: target.customerId },
        target.contact,
        base,
        waveId,
      );
      if (made) invited++;
      else skipped.push({ customerId: target.customerId, reason: 'already_invited' });
    }
    const ids = [...new Set(skipped.map((x) => x.customerId))];
    const names = new Map(
      ids.length === 0
        ? []
        : (
            await tx
              .select({ id: customers.id, name: customers.name })
              .from(customers)
              .where(inArray(customers.id, ids))
          ).map((r) => [r.id, r.name]),
    );
    return {
      waveId,
      number,
      invited,
      skipped: skipped.map((x) => ({ ...x, customerName: names.get(x.customerId) ?? '' })),
    };
  }

  private unreachableReason(contact: Contact): string {
    if (contact.archivedAt) return 'contact_archived';
    if (contact.doNotContact) return 'do_not_contact';
    return 'no_email';
  }

  /** Active contacts of these customers, primary first, then oldest. */
  private async contactsOf(tx: DbOrTx, customerIds: string[]): Promise<Map<string, Contact[]>> {
    const result = new Map<string, Contact[]>();
    if (customerIds.length === 0) return result;
    const rows = await tx
      .select()
      .from(contacts)
      .where(and(inArray(contacts.customerId, customerIds), isNull(contacts.archivedAt)))
      .orderBy(asc(contacts.customerId), desc(contacts.isPrimary), asc(contacts.createdAt), asc(contacts.id));
    for (const row of rows) {
      const list = result.get(row.customerId) ?? [];
      list.push(row);
      result.set(row.customerId, list);
    }
    return result;
  }

  /**
   * A segment as conditions on customers: value classes, departments (the customer's team or one of
   * its departments), customers, and service modes (a shipment in that mode in the last 12 months).
   * A trigger's own department and mode (the delivered shipment's, the complaint's) count as matches.
   */
  private segmentConditions(
    segment: SurveySegment,
    now: Date,
    ref: { departmentId?: string | null; mode?: string | null } = {},
  ): SQL[] {
    const conditions: SQL[] = [isNull(customers.archivedAt), isNull(customers.mergedIntoId)];
    if (segment.valueClasses?.length) conditions.push(inArray(customers.valueClass, segment.valueClasses));
    if (segment.customerIds?.length) conditions.push(inArray(customers.id, segment.customerIds));
    const departments = segment.departmentIds ?? [];
    if (departments.length > 0 && !(ref.departmentId && departments.includes(ref.departmentId))) {
      const list = sql.join(
        departments.map((d) => sql`${d}`),
        sql`, `,
      );
      conditions.push(
        or(
          inArray(customers.teamId, departments),
          sql`${customers.departmentIds} && array[${list}]::uuid[]`,
        ) as SQL,
      );
    }
    const modes = segment.modes ?? [];
    if (modes.length > 0 && !(ref.mode && modes.includes(ref.mode))) {
      const since = new Date(now.getTime() - 365 * DAY_MS);
      const list = sql.join(
        modes.map((m) => sql`${m}`),
        sql`, `,
      );
      conditions.push(
        sql`exists (select 1 from ${shipments} where ${shipments.customerId} = ${customers.id} and ${shipments.mode} in (${list}) and ${shipments.createdAt} >= ${since})`,
      );
    }
    return conditions;
  }

  /**
   * Makes one invitation with a fresh token and queues its email (never a robot: the link is
   * personal). Null when this survey already invited the contact in this wave or for this reference.
   */
  private async invite(
    tx: DbOrTx,
    survey: Survey,
    target: Target,
    contact: Contact,
    base: string,
    waveId: string | null,
  ): Promise<string | null> {
    const now = this.ctx.now();
    const token = randomBytes(32).toString('base64url');
    const id = uuidv7();
    const expiresAt = tokenExpiresAt(now, survey.tokenTtlDays);
    // A wave or a hand-sent survey follows no shipment or ticket: its answers count for the
    // customer's own team (the owner's department), so the department breakdown still covers them.
    let departmentId = target.departmentId ?? null;
    if (target.departmentId === undefined) {
      const [customer] = await tx
        .select({ teamId: customers.teamId })
        .from(customers)
        .where(eq(customers.id, target.customerId));
      departmentId = customer?.teamId ?? null;
    }
    const [row] = await tx
      .insert(surveyInvitations)
      .values({
        id,
        surveyId: survey.id,
        waveId,
        versionId: survey.versionId,
        customerId: target.customerId,
        contactId: contact.id,
        tokenHash: hashToken(token),
        expiresAt,
        status: 'sent',
        refType: target.refType ?? null,
        refId: target.refId ?? null,
        departmentId,
        mode: target.mode ?? null,
        lane: target.lane ?? null,
        sentAt: now,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: surveyInvitations.id });
    if (!row) return null;
    const link = `${base}/s/${token}`;
    await this.ctx.services.outbound.notifyContact(tx, {
      customerId: target.customerId,
      contactId: contact.id,
      topic: 'survey.invitation',
      subject: `【满意度调查】${survey.name} / Satisfaction survey`,
      body: this.mailBody(survey, contact.name, link, expiresAt, false),
      refType: 'survey_invitation',
      refId: id,
      dedupeKey: `survey.invitation:${id}`,
      emailOnly: true,
    });
    return id;
  }

  /** The invitation or reminder text, zh-CN first then English (a contact's language is not recorded). */
  private mailBody(survey: Survey, name: string, link: string, expiresAt: Date, reminder: boolean): string {
    const until = expiresAt.toISOString().slice(0, 10);
    const zh = [
      `${name} 您好：`,
      '',
      reminder
        ? '您尚未完成我们的满意度调查，诚邀您抽出几分钟填写。此前邮件中的链接已失效，请使用下面的新链接。'
        : (survey.introZh ?? '感谢您选择我们的服务。为了做得更好，诚邀您抽出几分钟告诉我们您的感受。'),
      '',
      `问卷链接（无需登录，仅限您本人使用，${until} 前有效，提交一次即可）：`,
      link,
    ];
    const en = [
      `Dear ${name},`,
      '',
      reminder
        ? 'You have not finished our satisfaction survey yet. The link in our earlier email no longer works; please use this one.'
        : (survey.introEn ??
          'Thank you for working with us. Please take a few minutes to tell us how we did.'),
      '',
      `Your personal link (no login needed, valid until ${until}, one answer):`,
      link,
    ];
    return [...zh, '', '——', '', ...en].join('\n');
  }

  /** A contact invited to any survey within the last `days` days is not asked again yet (survey fatigue). */
  private async recentlyInvited(
    tx: DbOrTx,
    customerId: string,
    contactId: string,
    days: number,
  ): Promise<boolean> {
    const since = new Date(this.ctx.now().getTime() - days * DAY_MS);
    const [row] = await tx
      .select({ id: surveyInvitations.id })
      .from(surveyInvitations)
      // The customer's condition lets the (customer_id, created_at) index do the work.
      .where(
        and(
          eq(surveyInvitations.customerId, customerId),
          eq(surveyInvitations.contactId, contactId),
          gte(surveyInvitations.createdAt, since),
        ),
      )
      .limit(1);
    return !!row;
  }

  /** Trigger: a shipment was delivered (called inside the shipments service's transaction). */
  async onShipmentDelivered(tx: DbOrTx, shipmentId: string): Promise<void> {
    const active = await this.activeWithTrigger(tx, 'after_delivery');
    if (active.length === 0) return;
    const [shipment] = await tx
      .select({
        customerId: shipments.customerId,
        contactId: shipments.contactId,
        departmentId: shipments.departmentId,
        mode: shipments.mode,
        origin: shipments.origin,
        destination: shipments.destination,
      })
      .from(shipments)
      .where(eq(shipments.id, shipmentId));
    if (!shipment) return;
    const lane =
      shipment.origin && shipment.destination ? `${shipment.origin}-${shipment.destination}` : null;
    await this.triggered(tx, active, {
      customerId: shipment.customerId,
      refType: 'shipment',
      refId: shipmentId,
      departmentId: shipment.departmentId,
      mode: shipment.mode,
      lane,
    });
  }

  /** Trigger: a ticket closed; only complaints are surveyed (回访). Inside the tickets service's transaction. */
  async onComplaintClosed(tx: DbOrTx, ticketId: string): Promise<void> {
    const active = await this.activeWithTrigger(tx, 'after_complaint');
    if (active.length === 0) return;
    const [ticket] = await tx
      .select({
        type: tickets.type,
        customerId: tickets.customerId,
        contactId: tickets.contactId,
        departmentId: tickets.departmentId,
        responsibleDepartmentId: tickets.responsibleDepartmentId,
      })
      .from(tickets)
      .where(eq(tickets.id, ticketId));
    if (ticket?.type !== 'complaint' || !ticket.customerId) return;
    await this.triggered(
      tx,
      active,
      {
        customerId: ticket.customerId,
        refType: 'ticket',
        refId: ticketId,
        departmentId: ticket.responsibleDepartmentId ?? ticket.departmentId,
      },
      ticket.contactId,
    );
  }

  private activeWithTrigger(tx: DbOrTx, trigger: SurveyTrigger): Promise<Survey[]> {
    return tx
      .select()
      .from(surveys)
      .where(and(eq(surveys.trigger, trigger), eq(surveys.status, 'active')))
      .orderBy(asc(surveys.createdAt));
  }

  private async triggered(tx: DbOrTx, active: Survey[], target: Target, preferredContactId?: string | null) {
    const now = this.ctx.now();
    const list = (await this.contactsOf(tx, [target.customerId])).get(target.customerId) ?? [];
    // The customer's primary contact (the brief); the complaint's own contact when it has one.
    const preferred = preferredContactId
      ? list.find((c) => c.id === preferredContactId && reachable(c))
      : undefined;
    const contact = preferred ?? list.find(reachable);
    if (!contact) return;
    for (const survey of active) {
      const [match] = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(
          and(eq(customers.id, target.customerId), ...this.segmentConditions(survey.segment, now, target)),
        );
      if (!match) continue;
      if (await this.recentlyInvited(tx, target.customerId, contact.id, survey.minDaysBetween)) continue;
      await this.invite(tx, survey, target, contact, this.baseUrl(), null);
    }
  }

  /** Sweeper: every active wave survey whose next wave is due sends it and moves the date on. */
  async sendDueWaves(): Promise<number> {
    const now = this.ctx.now();
    const due = await this.ctx.db
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.trigger, 'wave'), eq(surveys.status, 'active'), lte(surveys.nextWaveAt, now)))
      .orderBy(asc(surveys.nextWaveAt));
    let sent = 0;
    for (const { id } of due) {
      const done = await this.ctx.db.transaction(async (tx) => {
        const survey = await this.row(id, tx, true);
        // Another worker may have sent it meanwhile.
        if (survey.status !== 'active' || !survey.nextWaveAt || survey.nextWaveAt > now) return false;
        await this.sendWave(tx, survey, survey.segment, undefined, null, this.baseUrl());
        await tx
          .update(surveys)
          .set({
            nextWaveAt: nextWaveAt(survey.nextWaveAt, survey.recurrenceMonths ?? 6, now),
            updatedAt: now,
          })
          .where(eq(surveys.id, id));
        return true;
      });
      if (done) sent++;
    }
    return sent;
  }

  /** Sweeper: open invitations past their expiry become expired. */
  async expireDue(): Promise<number> {
    const rows = await this.ctx.db
      .update(surveyInvitations)
      .set({ status: 'expired' })
      .where(
        and(
          inArray(surveyInvitations.status, OPEN_STATUSES),
          lte(surveyInvitations.expiresAt, this.ctx.now()),
        ),
      )
      .returning({ id: surveyInvitations.id });
    return rows.length;
  }

  /**
   * Sweeper (and the "remind now" button): unanswered invitations whose next reminder day has come
   * get a reminder with a new link — only the hash is stored, so the old link is replaced and stops
   * working. Never after completion or expiry, or for a survey no longer active.
   */
  async sendDueReminders(surveyId?: string): Promise<number> {
    await this.expireDue();
    const now = this.ctx.now();
    const candidates = await this.ctx.db
      .select({ invitation: surveyInvitations, survey: surveys })
      .from(surveyInvitations)
      .innerJoin(surveys, eq(surveys.id, surveyInvitations.surveyId))
      .where(
        and(
          inArray(surveyInvitations.status, ['sent', 'opened', 'partial']),
          eq(surveys.status, 'active'),
          sql`${surveyInvitations.reminderCount} < jsonb_array_length(${surveys.reminderDays})`,
          sql`${surveyInvitations.expiresAt} > ${now}`,
          ...(surveyId ? [eq(surveyInvitations.surveyId, surveyId)] : []),
        ),
      )
      .orderBy(asc(surveyInvitations.sentAt));
    let reminded = 0;
    for (const { invitation, survey } of candidates) {
      if (dueReminder(invitation, survey.reminderDays, now) === null) continue;
      const done = await this.ctx.db.transaction(async (tx) => {
        const [current] = await tx
          .select()
          .from(surveyInvitations)
          .where(eq(surveyInvitations.id, invitation.id))
          .for('update');
        const n = current ? dueReminder(current, survey.reminderDays, now) : null;
        if (!current || n === null || !current.contactId) return false;
        const token = randomBytes(32).toString('base64url');
        await tx
          .update(surveyInvitations)
          .set({ tokenHash: hashToken(token), reminderCount: n, lastReminderAt: now })
          .where(eq(surveyInvitations.id, current.id));
        const [contact] = await tx.select().from(contacts).where(eq(contacts.id, current.contactId));
        await this.ctx.services.outbound.notifyContact(tx, {
          customerId: current.customerId,
          contactId: current.contactId,
          topic: 'survey.reminder',
          subject: `【提醒】${survey.name} / Reminder: satisfaction survey`,
          body: this.mailBody(
            survey,
            contact?.name ?? '',
            `${this.baseUrl()}/s/${token}`,
            current.expiresAt,
            true,
          ),
          refType: 'survey_invitation',
          refId: current.id,
          dedupeKey: `survey.reminder:${current.id}:${n}`,
          emailOnly: true,
        });
        return true;
      });
      if (done) reminded++;
    }
    return reminded;
  }

  /** "Remind now" for one survey (staff). */
  async remind(actor: Actor, id: string): Promise<{ reminded: number }> {
    this.requireManager(actor);
    await this.row(id);
    return { reminded: await this.sendDueReminders(id) };
  }

  // -------------------------------------------------------------------------------------------
  // Staff: invitations and responses
  // -------------------------------------------------------------------------------------------

  async invitations(
    actor: Actor,
    surveyId: string,
    filter: { status?: InvitationStatus; cursor?: string; limit: number },
  ) {
    this.requireStaff(actor);
    // A malformed cursor is a bad request whatever the survey, as on every other list.
    const cursor = decodeTimeCursor(filter.cursor);
    await this.row(surveyId);
    const i = surveyInvitations;
    const conditions: SQL[] = [eq(i.surveyId, surveyId)];
    if (filter.status) conditions.push(eq(i.status, filter.status));
    if (cursor) conditions.push(afterTimeCursor(i.createdAt, i.id, cursor, 'desc'));
    const rows = await this.ctx.db
      .select({
        id: i.id,
        waveId: i.waveId,
        customerId: i.customerId,
        customerName: customers.name,
        contactId: i.contactId,
        contactName: contacts.name,
        status: i.status,
        sentAt: i.sentAt,
        openedAt: i.openedAt,
        completedAt: i.completedAt,
        reminderCount: i.reminderCount,
        lastReminderAt: i.lastReminderAt,
        expiresAt: i.expiresAt,
        refType: i.refType,
        refId: i.refId,
        createdAt: i.createdAt,
      })
      .from(i)
      .innerJoin(customers, eq(customers.id, i.customerId))
      .leftJoin(contacts, eq(contacts.id, i.contactId))
      .where(and(...conditions))
      .orderBy(desc(i.createdAt), desc(i.id))
      .limit(filter.limit + 1);
    const now = this.ctx.now();
    const page = toPage(rows, filter.limit, (r) => [r.createdAt.toISOString(), r.id]);
    return {
      items: page.items.map((r) => ({
        ...r,
        // Expiry is applied lazily between sweeps.
        status: OPEN_STATUSES.includes(r.status) && r.expiresAt <= now ? ('expired' as const) : r.status,
      })),
      nextCursor: page.nextCursor,
    };
  }

  private responseSelect(db: DbOrTx) {
    const r = surveyResponses;
    return db
      .select({
        id: r.id,
        invitationId: r.invitationId,
        surveyId: r.surveyId,
        surveyName: surveys.name,
        modelId: r.modelId,
        versionId: r.versionId,
        customerId: r.customerId,
        customerName: customers.name,
        contactId: r.contactId,
        contactName: contacts.name,
        departmentId: r.departmentId,
        mode: r.mode,
        lane: r.lane,
        valueClass: r.valueClass,
        status: r.status,
        responseIndex: r.responseIndex,
        channel: r.channel,
        startedAt: r.startedAt,
        submittedAt: r.submittedAt,
        updatedAt: r.updatedAt,
        comment: r.comment,
      })
      .from(r)
      .innerJoin(surveys, eq(surveys.id, r.surveyId))
      .innerJoin(customers, eq(customers.id, r.customerId))
      .leftJoin(contacts, eq(contacts.id, r.contactId));
  }

  private async withAnswers<T extends { id: string }>(rows: T[], db: DbOrTx = this.ctx.db) {
    if (rows.length === 0) return [];
    const answers = await db
      .select()
      .from(surveyAnswers)
      .where(
        inArray(
          surveyAnswers.responseId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(surveyAnswers.responseId), asc(surveyAnswers.itemKey));
    return rows.map((row) => ({
      ...row,
      answers: answers
        .filter((a) => a.responseId === row.id)
        .map((a) => ({
          itemKey: a.itemKey,
          score: a.score,
          idealScore: a.idealScore,
          importance: a.importance,
        })),
    }));
  }

  async responses(
    actor: Actor,
    surveyId: string,
    filter: {
      status?: 'partial' | 'complete';
      customerId?: string;
      minIndex?: number;
      maxIndex?: number;
      cursor?: string;
      limit: number;
    },
  ) {
    this.requireStaff(actor);
    // A malformed cursor is a bad request whatever the survey, as on every other list.
    const cursor = decodeTimeCursor(filter.cursor);
    await this.row(surveyId);
    const r = surveyResponses;
    const conditions: SQL[] = [eq(r.surveyId, surveyId)];
    if (filter.status) conditions.push(eq(r.status, filter.status));
    if (filter.customerId) conditions.push(eq(r.customerId, filter.customerId));
    if (filter.minIndex !== undefined) conditions.push(gte(r.responseIndex, filter.minIndex));
    if (filter.maxIndex !== undefined) conditions.push(lte(r.responseIndex, filter.maxIndex));
    if (cursor) conditions.push(afterTimeCursor(r.startedAt, r.id, cursor, 'desc'));
    const rows = await this.responseSelect(this.ctx.db)
      .where(and(...conditions))
      .orderBy(desc(r.startedAt), desc(r.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (row) => [row.startedAt.toISOString(), row.id]);
    return { items: await this.withAnswers(page.items), nextCursor: page.nextCursor };
  }

  async response(actor: Actor, id: string) {
    this.requireStaff(actor);
    if (!isUuid(id)) throw notFound('Response');
    const rows = await this.responseSelect(this.ctx.db).where(eq(surveyResponses.id, id));
    if (rows.length === 0) throw notFound('Response');
    const [row] = await this.withAnswers(rows);
    return row;
  }

  // -------------------------------------------------------------------------------------------
  // Answering: public token links and the portal
  // -------------------------------------------------------------------------------------------

  private async invitationByToken(db: DbOrTx, token: string, lock: boolean): Promise<Invitation> {
    if (!looksLikeToken(token)) throw tokenProblem.unknown();
    const query = db
      .select()
      .from(surveyInvitations)
      .where(eq(surveyInvitations.tokenHash, hashToken(token)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw tokenProblem.unknown();
    return row;
  }

  private async portalInvitation(
    db: DbOrTx,
    actor: Actor,
    invitationId: string,
    lock: boolean,
  ): Promise<Invitation> {
    if (actor.role !== 'portal' || !actor.customerId || !isUuid(invitationId)) throw notFound('Survey');
    const query = db
      .select()
      .from(surveyInvitations)
      .where(and(eq(surveyInvitations.id, invitationId), eq(surveyInvitations.customerId, actor.customerId)));
    const [row] = lock ? await query.for('update') : await query;
    if (!row || row.status === 'cancelled') throw notFound('Survey');
    return row;
  }

  /** Throws the token's problem unless it may still be answered (`readOnly`: a completed one may be looked at). */
  private checkState(invitation: Invitation, survey: Survey, readOnly = false): void {
    const state = tokenState(invitation, survey.status, this.ctx.now());
    if (state === 'open' || (readOnly && state === 'completed')) return;
    if (state === 'cancelled') throw tokenProblem.unknown();
    if (state === 'completed') throw tokenProblem.completed();
    if (state === 'expired') throw tokenProblem.expired();
    throw tokenProblem.closed();
  }

  /** The questionnaire of a token link; opening it marks the invitation opened. */
  async publicGet(token: string) {
    return this.ctx.db.transaction(async (tx) => {
      const invitation = await this.invitationByToken(tx, token, false);
      return this.questionnaire(tx, invitation, false);
    });
  }

  async publicSave(token: string, body: AnswersBody) {
    return this.answer((tx) => this.invitationByToken(tx, token, true), body, 'link', false);
  }

  async publicSubmit(token: string, body: AnswersBody) {
    return this.answer((tx) => this.invitationByToken(tx, token, true), body, 'link', true);
  }

  /** The portal user's company's surveys, newest first (portal users are not linked to one contact). */
  async portalList(actor: Actor) {
    if (actor.role !== 'portal' || !actor.customerId) throw forbidden();
    const now = this.ctx.now();
    const rows = await this.ctx.db
      .select({
        invitationId: surveyInvitations.id,
        surveyName: surveys.name,
        status: surveyInvitations.status,
        surveyStatus: surveys.status,
        expiresAt: surveyInvitations.expiresAt,
        sentAt: surveyInvitations.sentAt,
        completedAt: surveyInvitations.completedAt,
      })
      .from(surveyInvitations)
      .innerJoin(surveys, eq(surveys.id, surveyInvitations.surveyId))
      .where(
        and(
          eq(surveyInvitations.customerId, actor.customerId),
          notInArray(surveyInvitations.status, ['cancelled']),
        ),
      )
      .orderBy(desc(surveyInvitations.createdAt), desc(surveyInvitations.id))
      .limit(200);
    return {
      items: rows.map(({ surveyStatus, ...r }) => {
        const state = tokenState(r, surveyStatus, now);
        return { ...r, status: state === 'expired' || state === 'closed' ? ('expired' as const) : r.status };
      }),
    };
  }

  async portalGet(actor: Actor, invitationId: string) {
    return this.ctx.db.transaction(async (tx) => {
      const invitation = await this.portalInvitation(tx, actor, invitationId, false);
      return this.questionnaire(tx, invitation, true);
    });
  }

  async portalSave(actor: Actor, invitationId: string, body: AnswersBody) {
    return this.answer((tx) => this.portalInvitation(tx, actor, invitationId, true), body, 'portal', false);
  }

  async portalSubmit(actor: Actor, invitationId: string, body: AnswersBody) {
    return this.answer((tx) => this.portalInvitation(tx, actor, invitationId, true), body, 'portal', true);
  }

  private async surveyAndNodes(tx: DbOrTx, invitation: Invitation) {
    const [survey] = await tx.select().from(surveys).where(eq(surveys.id, invitation.surveyId));
    if (!survey) throw tokenProblem.unknown();
    const [version] = await tx
      .select({ nodes: satisfactionModelVersions.nodes })
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.id, invitation.versionId));
    return { survey, nodes: (version?.nodes ?? []) as ModelNode[] };
  }

  private async questionnaire(tx: DbOrTx, invitation: Invitation, portal: boolean) {
    const { survey, nodes } = await this.surveyAndNodes(tx, invitation);
    this.checkState(invitation, survey, portal);
    const now = this.ctx.now();
    let status = invitation.status;
    if (invitation.status === 'sent') {
      await tx
        .update(surveyInvitations)
        .set({ status: 'opened', openedAt: now })
        .where(and(eq(surveyInvitations.id, invitation.id), eq(surveyInvitations.status, 'sent')));
      status = 'opened';
    } else if (!invitation.openedAt) {
      await tx
        .update(surveyInvitations)
        .set({ openedAt: now })
        .where(eq(surveyInvitations.id, invitation.id));
    }
    const [customer] = await tx
      .select({ name: customers.name, shortName: customers.shortName })
      .from(customers)
      .where(eq(customers.id, invitation.customerId));
    const [response] = await tx
      .select({
        id: surveyResponses.id,
        comment: surveyResponses.comment,
        responseIndex: surveyResponses.responseIndex,
      })
      .from(surveyResponses)
      .where(eq(surveyResponses.invitationId, invitation.id));
    const answers = response
      ? (await tx.select().from(surveyAnswers).where(eq(surveyAnswers.responseId, response.id))).map((a) => ({
          itemKey: a.itemKey,
          score: a.score,
          idealScore: a.idealScore,
          importance: a.importance,
        }))
      : [];
    return {
      invitationId: portal ? invitation.id : undefined,
      surveyName: survey.name,
      intro: survey.introZh,
      introZh: survey.introZh,
      introEn: survey.introEn,
      languages: ['zh-CN', 'en'],
      customerName: customer?.shortName || customer?.name || '',
      askIdeal: survey.askIdeal,
      askImportance: survey.askImportance,
      items: surveyItems(nodes).map((n) => ({
        key: n.key,
        dimension: dimensionOf(nodes, n.key),
        questionZh: n.questionZh ?? n.nameZh,
        questionEn: n.questionEn ?? n.nameEn,
        nameZh: n.nameZh,
        nameEn: n.nameEn,
        askIdeal: survey.askIdeal,
        askImportance: survey.askImportance,
        // Words for 5 … 1 where the satisfaction words do not fit (e.g. "how often did you chase us").
        scaleLabelsZh: n.scaleLabelsZh ?? null,
        scaleLabelsEn: n.scaleLabelsEn ?? null,
      })),
      answers,
      comment: response?.comment ?? null,
      status,
      responseIndex: response?.responseIndex ?? null,
      expiresAt: invitation.expiresAt,
    };
  }

  /**
   * Saves answers (partial) or submits them (complete) under a lock on the invitation, so two
   * submits of one link give one answer: the second finds it completed (409).
   */
  private async answer(
    find: (tx: DbOrTx) => Promise<Invitation>,
    body: AnswersBody,
    channel: ResponseChannel,
    complete: boolean,
  ) {
    return this.ctx.db.transaction(async (tx) => {
      const invitation = await find(tx);
      const { survey, nodes } = await this.surveyAndNodes(tx, invitation);
      this.checkState(invitation, survey);
      const items = surveyItems(nodes);
      const now = this.ctx.now();
      const [existing] = await tx
        .select({ id: surveyResponses.id })
        .from(surveyResponses)
        .where(eq(surveyResponses.invitationId, invitation.id));
      const saved: AnswerInput[] = existing
        ? await tx
            .select({
              itemKey: surveyAnswers.itemKey,
              score: surveyAnswers.score,
              idealScore: surveyAnswers.idealScore,
              importance: surveyAnswers.importance,
            })
            .from(surveyAnswers)
            .where(eq(surveyAnswers.responseId, existing.id))
        : [];
      const problems = validateAnswers(items, body.answers, {
        askIdeal: survey.askIdeal,
        askImportance: survey.askImportance,
        complete,
        saved,
      });
      if (problems.length > 0) throw validationFailed(problems, problems[0].message);

      const responseId = existing?.id ?? uuidv7();
      if (!existing) {
        await tx.insert(surveyResponses).values({
          id: responseId,
          invitationId: invitation.id,
          surveyId: survey.id,
          modelId: survey.modelId,
          versionId: invitation.versionId,
          customerId: invitation.customerId,
          contactId: invitation.contactId,
          departmentId: invitation.departmentId,
          mode: invitation.mode,
          lane: invitation.lane,
          channel,
          status: 'partial',
          startedAt: now,
          updatedAt: now,
        });
      }
      const merged = mergeAnswers(saved, body.answers);
      const givenKeys = new Set(body.answers.map((a) => a.itemKey));
      for (const answer of merged.filter((a) => givenKeys.has(a.itemKey))) {
        if (answer.score == null && answer.idealScore == null && answer.importance == null) {
          await tx
            .delete(surveyAnswers)
            .where(and(eq(surveyAnswers.responseId, responseId), eq(surveyAnswers.itemKey, answer.itemKey)));
          continue;
        }
        const values = {
          score: answer.score ?? null,
          idealScore: answer.idealScore ?? null,
          importance: answer.importance ?? null,
          answeredAt: now,
        };
        await tx
          .insert(surveyAnswers)
          .values({ responseId, itemKey: answer.itemKey, ...values })
          .onConflictDoUpdate({ target: [surveyAnswers.responseId, surveyAnswers.itemKey], set: values });
      }
      const comment = body.comment !== undefined ? { comment: body.comment?.trim() || null } : {};

      if (!complete) {
        await tx
          .update(surveyResponses)
          .set({ ...comment, channel, updatedAt: now })
          .where(eq(surveyResponses.id, responseId));
        await tx
          .update(surveyInvitations)
          .set({ status: 'partial' })
          .where(eq(surveyInvitations.id, invitation.id));
        return { saved: body.answers.length, status: 'partial' as const };
      }

      const exact = responseIndex(
        nodes,
        merged.map((a) => ({ itemKey: a.itemKey, score: a.score ?? null })),
      );
      // Shown with one decimal; stored as a whole number (smallint).
      const index = exact === null ? null : Math.round(exact * 10) / 10;
      const [customer] = await tx
        .select({ valueClass: customers.valueClass })
        .from(customers)
        .where(eq(customers.id, invitation.customerId));
      await tx
        .update(surveyResponses)
        .set({
          ...comment,
          channel,
          status: 'complete',
          responseIndex: index === null ? null : Math.round(index),
          valueClass: customer?.valueClass ?? null,
          departmentId: invitation.departmentId,
          mode: invitation.mode,
          lane: invitation.lane,
          submittedAt: now,
          updatedAt: now,
        })
        .where(eq(surveyResponses.id, responseId));
      await tx
        .update(surveyInvitations)
        .set({ status: 'completed', completedAt: now, ...(invitation.openedAt ? {} : { openedAt: now }) })
        .where(eq(surveyInvitations.id, invitation.id));
      await this.ctx.services.timeline.add(tx, {
        customerId: invitation.customerId,
        at: now,
        kind: SURVEY_ANSWERED,
        refType: 'survey_response',
        refId: responseId,
        title: `已答问卷：${survey.name}`,
        detail: { surveyId: survey.id, surveyName: survey.name, responseIndex: index, channel },
        departmentId: invitation.departmentId,
        actorId: null,
      });
      // Silent dissatisfaction is judged in this same transaction (alerts service, issue 5 §6).
      await this.ctx.services.satisfactionAlerts.onResponseCompleted(tx, responseId);
      return { status: 'complete' as const, responseId, responseIndex: index };
    });
  }
}
