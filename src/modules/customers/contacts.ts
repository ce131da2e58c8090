import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { importantDateProblem } from '../../domain/customers.ts';
import type { AppContext } from '../../server/context.ts';
import { type FieldProblem, conflict, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import type { ContactCreate, ContactUpdate } from './schema.ts';
import type { CustomersService } from './service.ts';
import { type ImportantDate, contacts } from './tables.ts';

export type Contact = typeof contacts.$inferSelect;
type ContactValues = Partial<Omit<Contact, 'id' | 'customerId' | 'version' | 'createdAt' | 'updatedAt'>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function normalize(input: ContactCreate | ContactUpdate): ContactValues {
  const values: ContactValues = {};
  if (input.name !== undefined) values.name = input.name.trim();
  if (input.title !== undefined) values.title = text(input.title);
  if (input.phones !== undefined)
    values.phones = [...new Set(input.phones.map((p) => p.trim()).filter(Boolean))];
  if (input.email !== undefined) values.email = text(input.email)?.toLowerCase() ?? null;
  if (input.wechat !== undefined) values.wechat = text(input.wechat);
  if (input.preferredChannel !== undefined) values.preferredChannel = input.preferredChannel;
  if (input.contactFrequency !== undefined) values.contactFrequency = input.contactFrequency;
  if (input.doNotContact !== undefined) values.doNotContact = input.doNotContact;
  if (input.isPrimary !== undefined) values.isPrimary = input.isPrimary;
  if (input.importantDates !== undefined) {
    values.importantDates = input.importantDates.map(
      (d): ImportantDate => ({
        kind: d.kind,
        date: d.date,
        ...(d.label?.trim() ? { label: d.label.trim() } : {}),
      }),
    );
  }
  if (input.notes !== undefined) values.notes = text(input.notes);
  return values;
}

function check(values: ContactValues): void {
  const errors: FieldProblem[] = [];
  if (values.name !== undefined && values.name === '') errors.push({ field: 'name', message: 'is required' });
  values.importantDates?.forEach((d, i) => {
    const problem = importantDateProblem(d.date);
    if (problem) errors.push({ field: `importantDates.${i}.date`, message: problem });
  });
  if (errors.length) throw validationFailed(errors);
}

/**
 * Contacts (联系人) of a customer file: how and how often each person wants to hear from us, and
 * whether at all. Reading follows the customer's read rule; changing it, the customer's edit rule.
 */
export class ContactsService {
  constructor(
    private readonly ctx: AppContext,
    private readonly customers: CustomersService,
  ) {}

  private present(actor: Actor, contact: Contact): Contact {
    if (actor.role !== 'portal') return contact;
    // Our notes about a person are internal.
    const { notes: _n, ...rest } = contact;
    return rest as Contact;
  }

  async list(actor: Actor, customerId: string, options: { archived?: boolean } = {}): Promise<Contact[]> {
    await this.customers.requireReadable(actor, customerId);
    const rows = await this.ctx.db
      .select()
      .from(contacts)
      .where(
        and(
          eq(contacts.customerId, customerId),
          options.archived ? sql`${contacts.archivedAt} is not null` : isNull(contacts.archivedAt),
        ),
      )
      .orderBy(desc(contacts.isPrimary), asc(contacts.createdAt), asc(contacts.id));
    return rows.map((c) => this.present(actor, c));
  }

  private async find(db: DbOrTx, customerId: string, contactId: string): Promise<Contact> {
    if (!UUID.test(contactId)) throw notFound('Contact');
    const [row] = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.id, contactId), eq(contacts.customerId, customerId)));
    if (!row) throw notFound('Contact');
    return row;
  }

  async get(actor: Actor, customerId: string, contactId: string): Promise<Contact> {
    await this.customers.requireReadable(actor, customerId);
    return this.present(actor, await this.find(this.ctx.db, customerId, contactId));
  }

  /** Makes `contactId` the only primary contact: the previous one is demoted (and audited). */
  private async demoteOtherPrimaries(tx: DbOrTx, actor: Actor, customerId: string, contactId: string) {
    const demoted = await tx
      .update(contacts)
      .set({ isPrimary: false, version: sql`${contacts.version} + 1`, updatedAt: this.ctx.now() })
      .where(
        and(
          eq(contacts.customerId, customerId),
          eq(contacts.isPrimary, true),
          isNull(contacts.archivedAt),
          ne(contacts.id, contactId),
        ),
      )
      .returning();
    for (const row of demoted) {
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'contact',
        entityId: row.id,
        customerId,
        before: { isPrimary: true, version: row.version - 1 },
        after: { isPrimary: false, version: row.version },
      });
    }
  }

  async create(actor: Actor, customerId: string, input: ContactCreate): Promise<Contact> {
    const customer = await this.customers.requireEditable(actor, customerId);
    if (customer.archivedAt)
      throw conflict('This customer file is archived; restore it before adding contacts.');
    const values = normalize(input);
    check(values);
    const id = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [existingPrimary] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(
          and(eq(contacts.customerId, customerId), eq(contacts.isPrimary, true), isNull(contacts.archivedAt)),
        );
      // The first contact of a customer is its primary one unless the caller says otherwise.
      const isPrimary = values.isPrimary ?? !existingPrimary;
      if (isPrimary) await this.demoteOtherPrimaries(tx, actor, customerId, id);
      const [row] = await tx
        .insert(contacts)
        .values({
          ...values,
          name: values.name as string,
          isPrimary,
          id,
          customerId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.customers.refreshSearch(tx, customerId);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'contact',
        entityId: id,
        customerId,
        after: row,
      });
      await this.ctx.services.timeline.add(tx, {
        customerId,
        at: now,
        kind: 'contact.added',
        refType: 'contact',
        refId: id,
        title: `新增联系人：${row.name}${row.title ? `（${row.title}）` : ''}`,
        detail: { name: row.name, title: row.title, isPrimary: row.isPrimary },
        departmentId: actor.departmentId,
        actorId: actor.via === 'system' ? null : actor.id,
      });
      return row;
    });
  }

  async update(
    actor: Actor,
    customerId: string,
    contactId: string,
    input: ContactUpdate,
    version: number,
  ): Promise<Contact> {
    const customer = await this.customers.requireEditable(actor, customerId);
    if (customer.archivedAt)
      throw conflict('This customer file is archived; restore it before changing contacts.');
    const before = await this.find(this.ctx.db, customerId, contactId);
    if (before.archivedAt) throw conflict('This contact was removed; it can no longer be changed.');
    if (before.version !== version) throw staleVersion(before);
    const { version: _v, ...changes } = input;
    const values = normalize(changes);
    check(values);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      if (values.isPrimary === true && !before.isPrimary) {
        await this.demoteOtherPrimaries(tx, actor, customerId, contactId);
      }
      const [row] = await tx
        .update(contacts)
        .set({ ...values, version: before.version + 1, updatedAt: now })
        .where(and(eq(contacts.id, contactId), eq(contacts.version, version)))
        .returning();
      if (!row) throw staleVersion(before);
      await this.customers.refreshSearch(tx, customerId);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'contact',
        entityId: contactId,
        customerId,
        before,
        after: row,
      });
      return row;
    });
  }

  /** Removing a contact archives it: past interactions still name the person. */
  async archive(actor: Actor, customerId: string, contactId: string, version?: number): Promise<void> {
    await this.customers.requireEditable(actor, customerId);
    const before = await this.find(this.ctx.db, customerId, contactId);
    if (before.archivedAt) return;
    if (version !== undefined && before.version !== version) throw staleVersion(before);
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(contacts)
        .set({ archivedAt: now, isPrimary: false, version: before.version + 1, updatedAt: now })
        .where(and(eq(contacts.id, contactId), eq(contacts.version, before.version)))
        .returning();
      if (!row) throw staleVersion(before);
      await this.customers.refreshSearch(tx, customerId);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'archive',
        entityType: 'contact',
        entityId: contactId,
        customerId,
        before,
        after: row,
      });
    });
  }
}
