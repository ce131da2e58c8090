import {
  type SQL,
  and,
  arrayContains,
  asc,
  desc,
  eq,
  inArray,
  isNotNull,
  isNull,
  lt,
  ne,
  or,
  sql,
} from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import {
  type Actor,
  canCreateCustomer,
  canEditCustomer,
  canOwnCustomers,
  canReadCustomer,
  canTransferOwnership,
  isStaff,
} from '../../domain/access.ts';
import {
  DUPLICATE_NAME_THRESHOLD,
  churnReasonProblem,
  mergeCustomerFields,
  companyNameCore,
  nameSimilarity,
  normalizeTaxId,
  taxIdProblem,
  unionList,
} from '../../domain/customers.ts';
import type { AppContext } from '../../server/context.ts';
import { isUuid } from '../../server/schemas.ts';
import { type Page, decodeCursor, encodeCursor, toPage } from '../../server/pagination.ts';
import {
  type FieldProblem,
  Problem,
  badRequest,
  conflict,
  forbidden,
  notFound,
  validationFailed,
} from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { departments } from '../departments/tables.ts';
import { settings } from '../settings/tables.ts';
import { users } from '../users/tables.ts';
import { ContactsService } from './contacts.ts';
import { moveCustomerRecords } from './merge.ts';
import type { CustomerCreate, CustomerListFilter, CustomerUpdate } from './schema.ts';
import { customerSearchFields, phoneDigits, searchColumns, searchCondition } from './search.ts';
import { type Requirements, contacts, customerMerges, customers, ownershipTransfers } from './tables.ts';

export type Customer = typeof customers.$inferSelect;
type User = typeof users.$inferSelect;

/** A customer as the API shows it: without the search columns, with the owner's name. */
export type CustomerView = Omit<Customer, 'searchVector' | 'searchPhones'> & { ownerName: string | null };

export interface CustomerListItem {
  id: string;
  name: string;
  shortName: string | null;
  kind: string;
  taxId: string | null;
  industry: string | null;
  phone: string | null;
  ownerId: string;
  ownerName: string | null;
  teamId: string | null;
  departmentIds: string[];
  stage?: string;
  valueClass?: string | null;
  needType?: string | null;
  tags?: string[];
  primaryContactName: string | null;
  primaryContactPhone: string | null;
  verifiedAt: Date | null;
  archivedAt: Date | null;
  mergedIntoId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface DuplicateCandidate {
  id: string;
  name: string;
  taxId: string | null;
  phone: string | null;
  ownerId: string;
  ownerName: string | null;
  archived: boolean;
  similarity: number;
  reasons: ('tax_id' | 'name' | 'phone')[];
}

export interface DuplicateProbe {
  name?: string | null;
  taxId?: string | null;
  phone?: string | null;
  excludeId?: string;
}

interface DuplicateRow {
  id: string;
  name: string;
  taxId: string | null;
  phone: string | null;
  ownerId: string;
  ownerName: string | null;
  archivedAt: Date | null;
  searchPhones: string;
}

export type ExportFilter = Omit<CustomerListFilter, 'limit' | 'cursor'>;

// What portal users (the customer's own staff) never see: our classification and sales notes.
const INTERNAL_FIELDS = [
  'stage',
  'churnReason',
  'valueClass',
  'needType',
  'bonds',
  'competitors',
  'tags',
  'notes',
  'source',
  'createdBy',
] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

function text(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function words(list: string[] | undefined): string[] | undefined {
  return list && unionList(list.map((s) => s.trim()).filter(Boolean), []);
}

function stripSearch(row: Customer): Omit<Customer, 'searchVector' | 'searchPhones'> {
  const { searchVector: _v, searchPhones: _p, ...rest } = row;
  return rest;
}

/** Input of create/update after trimming, with the shapes the table stores. */
type CustomerValues = Partial<Omit<Customer, 'id' | 'searchVector' | 'searchPhones' | 'version'>>;

function normalizeInput(input: Partial<CustomerCreate & CustomerUpdate>): CustomerValues {
  const values: CustomerValues = {};
  const set = <K extends keyof CustomerValues>(key: K, value: CustomerValues[K] | undefined) => {
    if (value !== undefined) values[key] = value;
  };
  set('name', input.name === undefined ? undefined : input.name.trim());
  set('shortName', text(input.shortName));
  set('kind', input.kind);
  set(
    'taxId',
    input.taxId === undefined ? undefined : input.taxId?.trim() ? normalizeTaxId(input.taxId) : null,
  );
  set('industry', text(input.industry));
  set('phone', text(input.phone));
  set('email', text(input.email)?.toLowerCase() ?? (input.email === undefined ? undefined : null));
  set('website', text(input.website));
  set(
    'addresses',
    input.addresses?.map((a) => ({
      kind: a.kind,
      text: a.text.trim(),
      ...(a.postcode?.trim() ? { postcode: a.postcode.trim() } : {}),
    })),
  );
  set('source', text(input.source));
  set('ownerId', input.ownerId);
  set('departmentIds', input.departmentIds && unionList(input.departmentIds, []));
  set('stage', input.stage);
  set('churnReason', text(input.churnReason));
  set('valueClass', input.valueClass);
  set('needType', input.needType);
  set('bonds', input.bonds && unionList(input.bonds, []));
  set('competitors', words(input.competitors));
  set('tags', words(input.tags));
  if (input.requirements) {
    const r = input.requirements;
    const requirements: Requirements = {};
    if (r.serviceModes) requirements.serviceModes = unionList(r.serviceModes, []);
    if (r.lanes) {
      requirements.lanes = r.lanes.map((l) => ({
        origin: l.origin.toUpperCase(),
        destination: l.destination.toUpperCase(),
        ...(l.mode ? { mode: l.mode } : {}),
      }));
    }
    if (r.cargoTypes) requirements.cargoTypes = words(r.cargoTypes);
    for (const key of ['monthlyShipments', 'monthlyTeu', 'monthlyKg', 'monthlyCbm'] as const) {
      if (r[key] !== undefined) requirements[key] = r[key];
    }
    if (r.frequency !== undefined) requirements.frequency = r.frequency;
    if (r.specialHandling) requirements.specialHandling = unionList(r.specialHandling, []);
    if (r.notes !== undefined) requirements.notes = text(r.notes) ?? null;
    set('requirements', requirements);
  }
  set('notes', text(input.notes));
  set(
    'verifiedAt',
    input.verifiedAt === undefined ? undefined : input.verifiedAt ? new Date(input.verifiedAt) : null,
  );
  return values;
}

/**
 * Customer files (一户一档): one file per customer shared by every department, with exactly one
 * owner. Every change is audited in its own transaction; meaningful ones go on the timeline.
 */
export class CustomersService {
  readonly contacts: ContactsService;

  constructor(private readonly ctx: AppContext) {
    this.contacts = new ContactsService(ctx, this);
  }

  /**
   * The customer if the actor may read it. Unreadable and unknown ids look the same (404), so a
   * portal user learns nothing about other customers.
   */
  async requireReadable(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<Customer> {
    if (!isUuid(id)) throw notFound('Customer');
    const [row] = await db.select().from(customers).where(eq(customers.id, id));
    if (!row || !canReadCustomer(actor, row)) throw notFound('Customer');
    return row;
  }

  /** The customer if the actor may change it (and its contacts, interactions, follow-ups). */
  async requireEditable(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<Customer> {
    const row = await this.requireReadable(actor, id, db);
    if (!canEditCustomer(actor, row))
      throw forbidden('Only the owner, their supervisor or an admin may change this customer.');
    return row;
  }

  /**
   * Records that name a contact (interactions, follow-ups, tickets, promises) must name one of the
   * customer's own: adds a field problem otherwise. Returns the contact when it belongs.
   */
  async checkContactOf(
    customerId: string,
    contactId: string | null | undefined,
    problems: FieldProblem[],
  ): Promise<{ doNotContact: boolean } | null> {
    if (!contactId) return null;
    const [contact] = await this.ctx.db
      .select({ customerId: contacts.customerId, doNotContact: contacts.doNotContact })
      .from(contacts)
      .where(eq(contacts.id, contactId));
    if (!contact || contact.customerId !== customerId) {
      problems.push({ field: 'contactId', message: 'is not a contact of this customer' });
      return null;
    }
    return contact;
  }

  /**
   * New records (interactions, follow-ups, later tickets) go only on open files: a merged file's
   * history lives on the surviving file, and an archived one must be restored first.
   */
  assertOpenFile(customer: Customer): void {
    if (customer.mergedIntoId) {
      throw conflict('This customer file was merged into another; use the surviving file.', {
        mergedIntoId: customer.mergedIntoId,
      });
    }
    if (customer.archivedAt)
      throw conflict('This customer file is archived; restore it before adding records.');
  }

  /** The view of a row for this actor (portal users do not see internal classification and notes). */
  async view(actor: Actor, row: Customer, db: DbOrTx = this.ctx.db): Promise<CustomerView> {
    const [owner] = await db.select({ name: users.name }).from(users).where(eq(users.id, row.ownerId));
    return this.present(actor, { ...stripSearch(row), ownerName: owner?.name ?? null });
  }

  private present<T extends object>(actor: Actor, view: T): T {
    if (actor.role !== 'portal') return view;
    const copy = { ...view } as Record<string, unknown>;
    for (const field of INTERNAL_FIELDS) delete copy[field];
    return copy as T;
  }

  async get(actor: Actor, id: string): Promise<CustomerView> {
    return this.view(actor, await this.requireReadable(actor, id));
  }

  // ---------------------------------------------------------------- list and search

  private listConditions(actor: Actor, filter: ExportFilter): SQL[] {
    const conditions: SQL[] = [];
    if (actor.role === 'portal') {
      conditions.push(actor.customerId ? eq(customers.id, actor.customerId) : sql`false`);
    } else if (!isStaff(actor)) {
      throw forbidden();
    }
    conditions.push(filter.archived ? isNotNull(customers.archivedAt) : isNull(customers.archivedAt));
    if (filter.ownerId) conditions.push(eq(customers.ownerId, filter.ownerId));
    if (filter.teamId) conditions.push(eq(customers.teamId, filter.teamId));
    if (filter.departmentId) conditions.push(arrayContains(customers.departmentIds, [filter.departmentId]));
    if (filter.stage?.length) conditions.push(inArray(customers.stage, filter.stage));
    if (filter.valueClass?.length) conditions.push(inArray(customers.valueClass, filter.valueClass));
    if (filter.needType?.length) conditions.push(inArray(customers.needType, filter.needType));
    if (filter.tag) conditions.push(arrayContains(customers.tags, [filter.tag.trim()]));
    if (filter.q) {
      const condition = searchCondition(filter.q);
      if (condition) conditions.push(condition);
    }
    return conditions;
  }

  private readonly listColumns = {
    id: customers.id,
    name: customers.name,
    shortName: customers.shortName,
    kind: customers.kind,
    taxId: customers.taxId,
    industry: customers.industry,
    phone: customers.phone,
    ownerId: customers.ownerId,
    ownerName: users.name,
    teamId: customers.teamId,
    departmentIds: customers.departmentIds,
    stage: customers.stage,
    valueClass: customers.valueClass,
    needType: customers.needType,
    tags: customers.tags,
    verifiedAt: customers.verifiedAt,
    archivedAt: customers.archivedAt,
    mergedIntoId: customers.mergedIntoId,
    version: customers.version,
    createdAt: customers.createdAt,
    updatedAt: customers.updatedAt,
  };

  private cursorId(cursor: string | undefined): string | undefined {
    const decoded = decodeCursor(cursor, 1);
    if (!decoded) return undefined;
    const id = decoded[0];
    if (typeof id !== 'string' || !isUuid(id))
      throw badRequest('The cursor is not valid; start again from the first page.', [
        { field: 'cursor', message: 'invalid cursor' },
      ]);
    return id;
  }

  /**
   * Newest first (ids are UUIDv7, so id order is creation order), keyset-paged on the id: a page
   * boundary stays correct under any filter and costs one index range scan, however deep.
   */
  async list(actor: Actor, filter: CustomerListFilter): Promise<Page<CustomerListItem>> {
    const conditions = this.listConditions(actor, filter);
    const after = this.cursorId(filter.cursor);
    if (after) conditions.push(lt(customers.id, after));
    const rows = await this.ctx.db
      .select(this.listColumns)
      .from(customers)
      .leftJoin(users, eq(users.id, customers.ownerId))
      .where(and(...conditions))
      .orderBy(desc(customers.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.id]);
    return { items: await this.withPrimaryContacts(actor, page.items), nextCursor: page.nextCursor };
  }

  private async withPrimaryContacts(
    actor: Actor,
    rows: Omit<CustomerListItem, 'primaryContactName' | 'primaryContactPhone'>[],
  ): Promise<CustomerListItem[]> {
    const primaries = new Map<string, { name: string; phones: string[] }>();
    if (rows.length) {
      const found = await this.ctx.db
        .select({ customerId: contacts.customerId, name: contacts.name, phones: contacts.phones })
        .from(contacts)
        .where(
          and(
            inArray(
              contacts.customerId,
              rows.map((r) => r.id),
            ),
            eq(contacts.isPrimary, true),
            isNull(contacts.archivedAt),
          ),
        );
      for (const c of found) primaries.set(c.customerId, c);
    }
    return rows.map((row) => {
      const primary = primaries.get(row.id);
      return this.present(actor, {
        ...row,
        primaryContactName: primary?.name ?? null,
        primaryContactPhone: primary?.phones[0] ?? null,
      });
    });
  }

  /** Every matching customer in full, in batches (for export). */
  async *listForExport(actor: Actor, filter: ExportFilter, batchSize = 500): AsyncGenerator<CustomerView[]> {
    if (!isStaff(actor)) throw forbidden();
    let after: string | undefined;
    for (;;) {
      const conditions = this.listConditions(actor, filter);
      if (after) conditions.push(lt(customers.id, after));
      const rows = await this.ctx.db
        .select({ customer: customers, ownerName: users.name })
        .from(customers)
        .leftJoin(users, eq(users.id, customers.ownerId))
        .where(and(...conditions))
        .orderBy(desc(customers.id))
        .limit(batchSize);
      if (rows.length === 0) return;
      yield rows.map((r) => ({ ...stripSearch(r.customer), ownerName: r.ownerName }));
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1].customer.id;
    }
  }

  /** How many customers an export with these filters holds (written to the audit log before it starts). */
  async countForExport(actor: Actor, filter: ExportFilter): Promise<number> {
    if (!isStaff(actor)) throw forbidden();
    const [row] = await this.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(customers)
      .where(and(...this.listConditions(actor, filter)));
    return row.n;
  }

  // ---------------------------------------------------------------- duplicates

  /**
   * Existing files that may be the same customer: the same tax id, a nearly identical name (after
   * dropping legal forms like 有限公司), or the same phone. The trigram indexes find candidates;
   * the name rule in the domain decides.
   */
  async findDuplicates(actor: Actor, probe: DuplicateProbe): Promise<DuplicateCandidate[]> {
    if (!isStaff(actor)) throw forbidden();
    const taxId = probe.taxId?.trim() ? normalizeTaxId(probe.taxId) : '';
    const name = probe.name?.trim() ?? '';
    const digits = probe.phone ? phoneDigits(probe.phone) : '';
    const columns = {
      id: customers.id,
      name: customers.name,
      taxId: customers.taxId,
      phone: customers.phone,
      ownerId: customers.ownerId,
      ownerName: users.name,
      archivedAt: customers.archivedAt,
      searchPhones: customers.searchPhones,
    };
    const scope = [isNull(customers.mergedIntoId)];
    if (probe.excludeId) scope.push(ne(customers.id, probe.excludeId));
    const rows = await this.ctx.db.transaction(async (tx) => {
      const found: DuplicateRow[] = [];
      async function selectRows(where: SQL, order: SQL[], limit: number): Promise<DuplicateRow[]> {
        return tx
          .select(columns)
          .from(customers)
          .leftJoin(users, eq(users.id, customers.ownerId))
          .where(and(where, ...scope))
          .orderBy(...order)
          .limit(limit);
      }
      const exact: SQL[] = [];
      if (taxId) exact.push(eq(customers.taxId, taxId));
      if (digits.length >= 7) exact.push(sql`${customers.searchPhones} like ${`%${digits}%`}`);
      if (exact.length) found.push(...(await selectRows(or(...exact)!, [desc(customers.id)], 20)));
      if (name) {
        // Legal forms (有限公司…) make most names a little alike; rank the trigram candidates so the
        // real look-alikes are among those the name rule then judges.
        const core = companyNameCore(name);
        await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', '0.4', true)`);
        const score = sql`greatest(similarity(${customers.name}, ${name}), word_similarity(${core}, ${customers.name}))`;
        found.push(
          ...(await selectRows(
            sql`(${customers.name} % ${name} or ${core} <% ${customers.name})`,
            [desc(score), desc(customers.id)],
            100,
          )),
        );
      }
      return found;
    });
    const seen = new Set<string>();
    const candidates: DuplicateCandidate[] = [];
    for (const row of rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      const reasons: DuplicateCandidate['reasons'] = [];
      if (taxId && row.taxId === taxId) reasons.push('tax_id');
      const similarity = name ? nameSimilarity(name, row.name) : 0;
      if (similarity >= DUPLICATE_NAME_THRESHOLD) reasons.push('name');
      if (digits && samePhone(digits, row.searchPhones)) reasons.push('phone');
      if (reasons.length === 0) continue;
      candidates.push({
        id: row.id,
        name: row.name,
        taxId: row.taxId,
        phone: row.phone,
        ownerId: row.ownerId,
        ownerName: row.ownerName,
        archived: row.archivedAt !== null,
        similarity: Math.round(similarity * 100) / 100,
        reasons,
      });
    }
    candidates.sort((a, b) => b.reasons.length - a.reasons.length || b.similarity - a.similarity);
    return candidates.slice(0, 10);
  }

  private async refuseDuplicates(actor: Actor, probe: DuplicateProbe): Promise<void> {
    const candidates = await this.findDuplicates(actor, probe);
    if (candidates.length === 0) return;
    throw new Problem(
      409,
      'Possible Duplicate',
      `${candidates.length} existing customer file(s) may be the same customer. Open one of them, or send confirmDuplicate: true to create it anyway.`,
      { candidates },
    );
  }

  // ---------------------------------------------------------------- create, update, archive

  private async checkOwner(actor: Actor, userId: string, field: string): Promise<User> {
    const [user] = await this.ctx.db.select().from(users).where(eq(users.id, userId));
    if (!user?.active || !canOwnCustomers(user.role)) {
      throw validationFailed([{ field, message: 'the owner must be an active agent, supervisor or admin' }]);
    }
    if (
      actor.role === 'supervisor' &&
      user.id !== actor.id &&
      !(user.departmentId && actor.teamDepartmentIds.includes(user.departmentId))
    ) {
      throw validationFailed([{ field, message: 'the owner must be a member of your team' }]);
    }
    return user;
  }

  private async checkValues(values: CustomerValues, before?: Customer): Promise<void> {
    const errors: FieldProblem[] = [];
    if (values.name !== undefined && values.name === '')
      errors.push({ field: 'name', message: 'is required' });
    if (values.taxId && values.taxId !== before?.taxId) {
      const problem = taxIdProblem(values.taxId);
      if (problem) errors.push({ field: 'taxId', message: problem });
    }
    const stage = values.stage ?? before?.stage ?? 'prospect';
    const churnReason = values.churnReason !== undefined ? values.churnReason : before?.churnReason;
    const churn = churnReasonProblem(stage, churnReason);
    if (churn) errors.push({ field: 'churnReason', message: churn });
    if (values.verifiedAt && values.verifiedAt.getTime() > this.ctx.now().getTime() + 5 * 60 * 1000) {
      errors.push({ field: 'verifiedAt', message: 'cannot be in the future' });
    }
    if (values.departmentIds?.length) {
      const found = await this.ctx.db
        .select({ id: departments.id })
        .from(departments)
        .where(inArray(departments.id, values.departmentIds));
      const known = new Set(found.map((d) => d.id));
      values.departmentIds.forEach((id, i) => {
        if (!known.has(id)) errors.push({ field: `departmentIds.${i}`, message: 'no such department' });
      });
    }
    if (errors.length) throw validationFailed(errors);
  }

  async create(actor: Actor, input: CustomerCreate): Promise<CustomerView> {
    if (!canCreateCustomer(actor))
      throw forbidden('Only agents, supervisors and admins open customer files.');
    const values = normalizeInput(input);
    const ownerId = values.ownerId ?? actor.id;
    if (actor.role === 'agent' && ownerId !== actor.id) {
      throw forbidden('Agents own the customers they create; a supervisor can transfer it afterwards.');
    }
    await this.checkValues(values);
    const owner = await this.checkOwner(actor, ownerId, 'ownerId');
    if (!input.confirmDuplicate) {
      await this.refuseDuplicates(actor, { name: values.name, taxId: values.taxId, phone: values.phone });
    }
    const id = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(customers)
        .values({
          ...values,
          id,
          name: values.name as string,
          ownerId: owner.id,
          teamId: owner.departmentId,
          churnReason: (values.stage ?? 'prospect') === 'churned' ? values.churnReason : null,
          createdBy: actor.via === 'system' ? null : actor.id,
          createdAt: now,
          updatedAt: now,
          ...searchColumns(customerSearchFields(values as Customer, [])),
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'customer',
        entityId: id,
        customerId: id,
        after: row,
      });
      await this.ctx.services.timeline.add(tx, {
        customerId: id,
        at: now,
        kind: 'customer.created',
        refType: 'customer',
        refId: id,
        title: `新建客户档案：${row.name}`,
        detail: { ownerId: owner.id, ownerName: owner.name, stage: row.stage, source: row.source },
        departmentId: actor.departmentId,
        actorId: actor.via === 'system' ? null : actor.id,
      });
      return this.present(actor, { ...stripSearch(row), ownerName: owner.name });
    });
  }

  async update(actor: Actor, id: string, input: CustomerUpdate, version: number): Promise<CustomerView> {
    const before = await this.requireEditable(actor, id);
    if (before.archivedAt) throw conflict('This customer file is archived; restore it before changing it.');
    if (before.version !== version) throw staleVersion(await this.view(actor, before));
    const { confirmDuplicate, version: _v, ...changes } = input;
    const values = normalizeInput(changes);
    // The requirements profile is patched key by key (JSON merge patch), not replaced.
    if (values.requirements) values.requirements = { ...before.requirements, ...values.requirements };
    await this.checkValues(values, before);
    const stage = values.stage ?? before.stage;
    // A win-back clears the old reason; the audit log keeps it.
    if (stage !== 'churned') values.churnReason = null;
    const identityChanged =
      (values.name !== undefined && values.name !== before.name) ||
      (values.taxId !== undefined && values.taxId !== before.taxId) ||
      (values.phone !== undefined && values.phone !== before.phone);
    if (identityChanged && !confirmDuplicate) {
      await this.refuseDuplicates(actor, {
        name: values.name !== undefined && values.name !== before.name ? values.name : null,
        taxId: values.taxId !== undefined && values.taxId !== before.taxId ? values.taxId : null,
        phone: values.phone !== undefined && values.phone !== before.phone ? values.phone : null,
        excludeId: id,
      });
    }
    return this.ctx.db.transaction(async (tx) => {
      const merged = { ...before, ...values };
      const contactList = await tx.select().from(contacts).where(eq(contacts.customerId, id));
      const [row] = await tx
        .update(customers)
        .set({
          ...values,
          version: before.version + 1,
          updatedAt: this.ctx.now(),
          ...searchColumns(customerSearchFields(merged, contactList)),
        })
        .where(and(eq(customers.id, id), eq(customers.version, version)))
        .returning();
      if (!row) throw staleVersion(await this.view(actor, before));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'customer',
        entityId: id,
        customerId: id,
        before,
        after: row,
      });
      if (row.stage !== before.stage) {
        await this.ctx.services.timeline.add(tx, {
          customerId: id,
          at: this.ctx.now(),
          kind: 'customer.stage_changed',
          refType: 'customer',
          refId: id,
          title: `客户阶段：${STAGE_NAMES[before.stage] ?? before.stage} → ${STAGE_NAMES[row.stage] ?? row.stage}`,
          detail: { from: before.stage, to: row.stage, churnReason: row.churnReason },
          departmentId: actor.departmentId,
          actorId: actor.id,
        });
      }
      return this.view(actor, row, tx);
    });
  }

  /** Archive hides a file from lists (nothing is deleted); restore brings it back. */
  async setArchived(actor: Actor, id: string, archived: boolean, version?: number): Promise<CustomerView> {
    const before = await this.requireEditable(actor, id);
    if (version !== undefined && before.version !== version)
      throw staleVersion(await this.view(actor, before));
    if (!archived && before.mergedIntoId) {
      throw conflict('This file was merged into another customer file and cannot be restored.', {
        mergedIntoId: before.mergedIntoId,
      });
    }
    if (Boolean(before.archivedAt) === archived) return this.view(actor, before);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(customers)
        .set({ archivedAt: archived ? now : null, version: before.version + 1, updatedAt: now })
        .where(and(eq(customers.id, id), eq(customers.version, before.version)))
        .returning();
      if (!row) throw staleVersion(await this.view(actor, before));
      await this.ctx.services.audit.record(tx, actor, {
        action: archived ? 'archive' : 'restore',
        entityType: 'customer',
        entityId: id,
        customerId: id,
        before,
        after: row,
      });
      await this.ctx.services.timeline.add(tx, {
        customerId: id,
        at: now,
        kind: archived ? 'customer.archived' : 'customer.restored',
        refType: 'customer',
        refId: id,
        title: archived ? '客户档案已归档' : '客户档案已恢复',
        departmentId: actor.departmentId,
        actorId: actor.id,
      });
      return this.view(actor, row, tx);
    });
  }

  /** Recomputes the search columns from the file and its contacts (after contacts change). */
  async refreshSearch(tx: DbOrTx, customerId: string): Promise<void> {
    const [row] = await tx.select().from(customers).where(eq(customers.id, customerId));
    if (!row) return;
    const contactList = await tx.select().from(contacts).where(eq(contacts.customerId, customerId));
    await tx
      .update(customers)
      .set(searchColumns(customerSearchFields(row, contactList)))
      .where(eq(customers.id, customerId));
  }

  // ---------------------------------------------------------------- ownership

  /** Ownership moves only through this logged action (supervisor within the team, admin). */
  async transfer(
    actor: Actor,
    id: string,
    input: { toUserId: string; reason: string; moveOpenFollowUps?: boolean },
  ): Promise<CustomerView> {
    const before = await this.requireReadable(actor, id);
    if (!canTransferOwnership(actor, before)) {
      throw forbidden("Only a supervisor of the customer's team or an admin may transfer ownership.");
    }
    if (before.archivedAt)
      throw conflict('This customer file is archived; restore it before transferring it.');
    const reason = input.reason.trim();
    if (!reason) throw validationFailed([{ field: 'reason', message: 'is required' }]);
    if (input.toUserId === before.ownerId) {
      throw validationFailed([{ field: 'toUserId', message: 'this user already owns the customer' }]);
    }
    const to = await this.checkOwner(actor, input.toUserId, 'toUserId');
    const [from] = await this.ctx.db.select().from(users).where(eq(users.id, before.ownerId));
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(customers)
        .set({ ownerId: to.id, teamId: to.departmentId, version: before.version + 1, updatedAt: now })
        .where(and(eq(customers.id, id), eq(customers.version, before.version)))
        .returning();
      if (!row) throw staleVersion(await this.view(actor, before));
      const transferId = uuidv7();
      await tx.insert(ownershipTransfers).values({
        id: transferId,
        customerId: id,
        fromUserId: before.ownerId,
        toUserId: to.id,
        reason,
        byUserId: actor.via === 'system' ? null : actor.id,
        at: now,
      });
      let movedFollowUps = 0;
      if (input.moveOpenFollowUps !== false) {
        // The new owner inherits the open follow-up tasks, or they would be orphaned on a colleague's list.
        movedFollowUps = await this.ctx.services.followUps.handOverOpenTasks(tx, {
          customerId: id,
          fromUserId: before.ownerId,
          toUserId: to.id,
          at: now,
        });
      }
      await this.ctx.services.audit.record(tx, actor, {
        action: 'transfer',
        entityType: 'customer',
        entityId: id,
        customerId: id,
        before,
        after: { ...row, transferId, reason, movedFollowUps },
      });
      await this.ctx.services.timeline.add(tx, {
        customerId: id,
        at: now,
        kind: 'customer.transferred',
        refType: 'ownership_transfer',
        refId: transferId,
        title: `负责人变更：${from?.name ?? '—'} → ${to.name}`,
        detail: {
          fromUserId: before.ownerId,
          fromUserName: from?.name ?? null,
          toUserId: to.id,
          toUserName: to.name,
          reason,
          movedFollowUps,
        },
        departmentId: actor.departmentId,
        actorId: actor.via === 'system' ? null : actor.id,
      });
      return this.present(actor, { ...stripSearch(row), ownerName: to.name });
    });
  }

  /** The ownership history, newest first (staff only: it is internal). */
  async transfers(actor: Actor, id: string) {
    await this.requireReadable(actor, id);
    if (!isStaff(actor)) throw forbidden('The ownership history is internal.');
    const fromUser = sql<
      string | null
    >`(select name from users where users.id = ${ownershipTransfers.fromUserId})`;
    const toUser = sql<
      string | null
    >`(select name from users where users.id = ${ownershipTransfers.toUserId})`;
    const byUser = sql<
      string | null
    >`(select name from users where users.id = ${ownershipTransfers.byUserId})`;
    return this.ctx.db
      .select({
        id: ownershipTransfers.id,
        customerId: ownershipTransfers.customerId,
        fromUserId: ownershipTransfers.fromUserId,
        fromUserName: fromUser,
        toUserId: ownershipTransfers.toUserId,
        toUserName: toUser,
        reason: ownershipTransfers.reason,
        byUserId: ownershipTransfers.byUserId,
        byUserName: byUser,
        at: ownershipTransfers.at,
      })
      .from(ownershipTransfers)
      .where(eq(ownershipTransfers.customerId, id))
      .orderBy(desc(ownershipTransfers.at), desc(ownershipTransfers.id));
  }

  // ---------------------------------------------------------------- merge

  /**
   * Folds `sourceId` into `targetId` in one transaction: every customer-owned record moves (see
   * merge.ts), the lists are united and empty fields filled, the source is archived with
   * merged_into_id, and a customer_merges row keeps a snapshot of the source.
   */
  async merge(actor: Actor, targetId: string, sourceId: string) {
    if (targetId === sourceId) {
      throw validationFailed([{ field: 'sourceId', message: 'a customer cannot be merged into itself' }]);
    }
    const target = await this.requireReadable(actor, targetId);
    const source = await this.requireReadable(actor, sourceId);
    const allowed =
      actor.role === 'admin' ||
      (actor.role === 'supervisor' && canEditCustomer(actor, target) && canEditCustomer(actor, source));
    if (!allowed) throw forbidden('Merging needs an admin, or a supervisor whose team owns both files.');
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      // Lock both files (in id order, so two opposite merges cannot deadlock) and re-read them.
      const locked = await tx
        .select()
        .from(customers)
        .where(inArray(customers.id, [targetId, sourceId]))
        .orderBy(asc(customers.id))
        .for('update');
      const t = locked.find((r) => r.id === targetId);
      const s = locked.find((r) => r.id === sourceId);
      if (!t || !s) throw notFound('Customer');
      if (s.mergedIntoId)
        throw conflict('This file was already merged into another one.', { mergedIntoId: s.mergedIntoId });
      if (t.archivedAt) throw conflict('The surviving file is archived; restore it first.');
      if (t.taxId && s.taxId && t.taxId !== s.taxId) {
        throw conflict('The two files have different tax ids, so they are different legal entities.', {
          targetTaxId: t.taxId,
          sourceTaxId: s.taxId,
        });
      }
      const sourceContacts = await tx.select().from(contacts).where(eq(contacts.customerId, sourceId));
      const [targetPrimary] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(
          and(eq(contacts.customerId, targetId), eq(contacts.isPrimary, true), isNull(contacts.archivedAt)),
        );
      if (targetPrimary) {
        // The surviving file keeps its primary contact; the source's joins as a normal contact.
        await tx
          .update(contacts)
          .set({ isPrimary: false, version: sql`${contacts.version} + 1`, updatedAt: now })
          .where(and(eq(contacts.customerId, sourceId), eq(contacts.isPrimary, true)));
      }
      const moved = await moveCustomerRecords(tx, sourceId, targetId);
      const fields = mergeCustomerFields(t, s);
      const contactList = await tx.select().from(contacts).where(eq(contacts.customerId, targetId));
      const [row] = await tx
        .update(customers)
        .set({
          ...fields,
          version: t.version + 1,
          updatedAt: now,
          ...searchColumns(customerSearchFields({ ...t, ...fields }, contactList)),
        })
        .where(eq(customers.id, targetId))
        .returning();
      const [folded] = await tx
        .update(customers)
        .set({
          archivedAt: s.archivedAt ?? now,
          mergedIntoId: targetId,
          version: s.version + 1,
          updatedAt: now,
          ...searchColumns(customerSearchFields(s, [])),
        })
        .where(eq(customers.id, sourceId))
        .returning();
      const mergeId = uuidv7();
      await tx.insert(customerMerges).values({
        id: mergeId,
        sourceId,
        targetId,
        byUserId: actor.via === 'system' ? null : actor.id,
        moved,
        sourceSnapshot: { customer: stripSearch(s), contactIds: sourceContacts.map((c) => c.id) },
        at: now,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'merge',
        entityType: 'customer',
        entityId: targetId,
        customerId: targetId,
        before: t,
        after: { ...row, mergedFrom: sourceId, mergeId, moved },
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'merged_into',
        entityType: 'customer',
        entityId: sourceId,
        customerId: sourceId,
        before: s,
        after: folded,
      });
      await this.ctx.services.timeline.add(tx, {
        customerId: targetId,
        at: now,
        kind: 'customer.merged',
        refType: 'customer_merge',
        refId: mergeId,
        title: `合并客户档案：${s.name}`,
        detail: { sourceId, sourceName: s.name, moved },
        departmentId: actor.departmentId,
        actorId: actor.via === 'system' ? null : actor.id,
      });
      return { mergeId, customer: await this.view(actor, row, tx), moved };
    });
  }

  // ---------------------------------------------------------------- verification and review

  /** Confirms the file is up to date (seed 002: verify and update, delete stale). */
  async verify(actor: Actor, id: string): Promise<CustomerView> {
    const before = await this.requireEditable(actor, id);
    if (before.archivedAt) throw conflict('This customer file is archived; restore it before verifying it.');
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(customers)
        .set({ verifiedAt: now, version: sql`${customers.version} + 1`, updatedAt: now })
        .where(eq(customers.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'verify',
        entityType: 'customer',
        entityId: id,
        customerId: id,
        before: { verifiedAt: before.verifiedAt, version: before.version },
        after: { verifiedAt: row.verifiedAt, version: row.version },
      });
      await this.ctx.services.timeline.add(tx, {
        customerId: id,
        at: now,
        kind: 'customer.verified',
        refType: 'customer',
        refId: id,
        title: '客户档案已核实',
        detail: { previousVerifiedAt: before.verifiedAt?.toISOString() ?? null },
        departmentId: actor.departmentId,
        actorId: actor.id,
      });
      return this.view(actor, row, tx);
    });
  }

  async reviewAfterDays(): Promise<number> {
    const value = Number(await this.ctx.services.settings.get('customers.reviewAfterDays'));
    return Number.isInteger(value) && value > 0 ? value : 180;
  }

  /**
   * Active files whose last verification (or creation, if never verified) is more than N days
   * old, the most overdue first. Agents see their own, supervisors their team's, others all.
   */
  async reviewQueue(
    actor: Actor,
    filter: { days?: number; ownerId?: string; teamId?: string; limit: number; cursor?: string },
  ): Promise<Page<CustomerListItem> & { reviewAfterDays: number }> {
    if (!isStaff(actor)) throw forbidden();
    const days = filter.days ?? (await this.reviewAfterDays());
    const cutoff = new Date(this.ctx.now().getTime() - days * DAY_MS);
    const due = sql`coalesce(${customers.verifiedAt}, ${customers.createdAt})`;
    const conditions: SQL[] = [
      isNull(customers.archivedAt),
      sql`${due} < ${cutoff.toISOString()}::timestamptz`,
    ];
    if (actor.role === 'agent') conditions.push(eq(customers.ownerId, actor.id));
    if (actor.role === 'supervisor') {
      conditions.push(
        actor.teamDepartmentIds.length
          ? or(eq(customers.ownerId, actor.id), inArray(customers.teamId, actor.teamDepartmentIds))!
          : eq(customers.ownerId, actor.id),
      );
    }
    if (filter.ownerId) conditions.push(eq(customers.ownerId, filter.ownerId));
    if (filter.teamId) conditions.push(eq(customers.teamId, filter.teamId));
    const cursor = decodeCursor(filter.cursor, 2);
    if (cursor) {
      const [at, id] = cursor;
      if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) {
        throw badRequest('The cursor is not valid; start again from the first page.', [
          { field: 'cursor', message: 'invalid cursor' },
        ]);
      }
      conditions.push(sql`(${due}, ${customers.id}) > (${at}::timestamptz, ${id}::uuid)`);
    }
    const rows = await this.ctx.db
      .select({ ...this.listColumns, due: sql<string>`${due}` })
      .from(customers)
      .leftJoin(users, eq(users.id, customers.ownerId))
      .where(and(...conditions))
      .orderBy(asc(due), asc(customers.id))
      .limit(filter.limit + 1);
    const more = rows.length > filter.limit;
    const pageRows = more ? rows.slice(0, filter.limit) : rows;
    const last = pageRows[pageRows.length - 1];
    const nextCursor = more ? encodeCursor([new Date(last.due).toISOString(), last.id]) : null;
    const items = await this.withPrimaryContacts(
      actor,
      pageRows.map(({ due: _d, ...rest }) => rest),
    );
    return { items, nextCursor, reviewAfterDays: days };
  }

  async getSettings(actor: Actor): Promise<{ reviewAfterDays: number }> {
    if (!isStaff(actor)) throw forbidden();
    return { reviewAfterDays: await this.reviewAfterDays() };
  }

  async updateSettings(
    actor: Actor,
    input: { reviewAfterDays: number },
  ): Promise<{ reviewAfterDays: number }> {
    if (actor.role !== 'admin') throw forbidden('Only administrators change settings.');
    const before = await this.reviewAfterDays();
    await this.ctx.db.transaction(async (tx) => {
      await tx
        .insert(settings)
        .values({ key: 'customers.reviewAfterDays', value: input.reviewAfterDays })
        .onConflictDoUpdate({
          target: settings.key,
          set: { value: input.reviewAfterDays, updatedAt: this.ctx.now() },
        });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'setting',
        entityId: 'customers.reviewAfterDays',
        before: { reviewAfterDays: before },
        after: { reviewAfterDays: input.reviewAfterDays },
      });
    });
    return { reviewAfterDays: input.reviewAfterDays };
  }
}

const STAGE_NAMES: Record<string, string> = {
  prospect: '潜在',
  negotiating: '洽谈',
  active: '合作',
  retained: '维系',
  churned: '流失',
};

/** The probe's phone is one of the customer's phones (or the same number without its area code). */
function samePhone(digits: string, searchPhones: string): boolean {
  return searchPhones
    .split(' ')
    .some(
      (phone) =>
        phone === digits ||
        (Math.min(phone.length, digits.length) >= 7 && (phone.endsWith(digits) || digits.endsWith(phone))),
    );
}
