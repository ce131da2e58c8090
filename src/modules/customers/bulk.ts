import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../../db/bulk.ts';
import type { DbOrTx } from '../../db/index.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { customerSearchFields } from './search.ts';
import { type Address, type ImportantDate, type Requirements, contacts, customers } from './tables.ts';

/**
 * Bulk insert of customer files with their contacts, for the demo loader and the CSV/Excel import.
 * Multi-row INSERTs (rows sent as one jsonb parameter, see src/db/bulk.ts), with the search fields
 * computed exactly as a single create computes them, and the 'customer.created' timeline entry a
 * single create writes. Runs inside the caller's transaction; permission checks, validation and
 * audit are the caller's job.
 */

export interface BulkContact {
  name: string;
  title?: string | null;
  phones?: string[];
  email?: string | null;
  wechat?: string | null;
  preferredChannel?: string | null;
  contactFrequency?: string | null;
  doNotContact?: boolean;
  isPrimary?: boolean;
  importantDates?: ImportantDate[];
  notes?: string | null;
}

export interface BulkCustomer {
  name: string;
  shortName?: string | null;
  kind?: string;
  taxId?: string | null;
  industry?: string | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
  addresses?: Address[];
  source?: string | null;
  ownerId: string;
  teamId?: string | null;
  departmentIds?: string[];
  stage?: string;
  churnReason?: string | null;
  valueClass?: string | null;
  needType?: string | null;
  bonds?: string[];
  competitors?: string[];
  tags?: string[];
  requirements?: Requirements;
  notes?: string | null;
  verifiedAt?: Date | null;
  createdBy?: string | null;
  /** When the file was opened; defaults to now. Demo data back-dates it. */
  createdAt?: Date;
  /** For the timeline entry ('customer.created'). */
  ownerName?: string | null;
  contacts?: BulkContact[];
}

export interface InsertedCustomer {
  id: string;
  contactIds: string[];
  values: typeof customers.$inferInsert;
}

export interface BulkOptions {
  /** Title of the 'customer.created' timeline entry; the customers service writes 新建客户档案：name. */
  timelineTitle?: (name: string) => string;
  /** Extra detail on the timeline entry (e.g. the import file). */
  timelineDetail?: Record<string, unknown>;
  actorId?: string | null;
  actorDepartmentId?: string | null;
}

export async function insertCustomersBulk(
  tx: DbOrTx,
  input: BulkCustomer[],
  options: BulkOptions = {},
): Promise<InsertedCustomer[]> {
  const now = new Date();
  const inserted: InsertedCustomer[] = [];
  const searchTexts: string[] = [];
  const contactRows: (typeof contacts.$inferInsert)[] = [];
  for (const customer of input) {
    const id = uuidv7();
    const createdAt = customer.createdAt ?? now;
    const contactList = customer.contacts ?? [];
    const search = customerSearchFields(customer, contactList);
    const values: typeof customers.$inferInsert = {
      id,
      name: customer.name,
      shortName: customer.shortName ?? null,
      kind: customer.kind ?? 'company',
      taxId: customer.taxId ?? null,
      industry: customer.industry ?? null,
      phone: customer.phone ?? null,
      email: customer.email ?? null,
      website: customer.website ?? null,
      addresses: customer.addresses ?? [],
      source: customer.source ?? null,
      ownerId: customer.ownerId,
      teamId: customer.teamId ?? null,
      departmentIds: customer.departmentIds ?? [],
      stage: customer.stage ?? 'prospect',
      churnReason: customer.churnReason ?? null,
      valueClass: customer.valueClass ?? null,
      needType: customer.needType ?? null,
      bonds: customer.bonds ?? [],
      competitors: customer.competitors ?? [],
      tags: customer.tags ?? [],
      requirements: customer.requirements ?? {},
      notes: customer.notes ?? null,
      searchPhones: search.searchPhones,
      verifiedAt: customer.verifiedAt ?? null,
      createdBy: customer.createdBy ?? null,
      createdAt,
      updatedAt: createdAt,
    };
    const contactIds: string[] = [];
    // One primary per customer (a partial unique index enforces it): the first flagged, else the first.
    const primary = Math.max(
      0,
      contactList.findIndex((c) => c.isPrimary),
    );
    contactList.forEach((contact, i) => {
      const contactId = uuidv7();
      contactIds.push(contactId);
      contactRows.push({
        id: contactId,
        customerId: id,
        name: contact.name,
        title: contact.title ?? null,
        phones: contact.phones ?? [],
        email: contact.email ?? null,
        wechat: contact.wechat ?? null,
        preferredChannel: contact.preferredChannel ?? null,
        contactFrequency: contact.contactFrequency ?? null,
        doNotContact: contact.doNotContact ?? false,
        isPrimary: i === primary,
        importantDates: contact.importantDates ?? [],
        notes: contact.notes ?? null,
        createdAt,
        updatedAt: createdAt,
      });
    });
    inserted.push({ id, contactIds, values });
    searchTexts.push(search.searchText);
  }
  await insertRowsJson(
    tx,
    customers,
    inserted.map(({ values }, i) => ({ ...values, search_text: searchTexts[i] })),
    { searchVector: { fields: { search_text: 'text' }, value: sql`to_tsvector('simple', x.search_text)` } },
  );
  await insertRowsJson(tx, contacts, contactRows);
  // Every file starts its timeline the way one created in the app does.
  const title = options.timelineTitle ?? ((name: string) => `新建客户档案：${name}`);
  await insertRowsJson(
    tx,
    timelineEntries,
    inserted.map(({ id, values }, i) => ({
      id: uuidv7(),
      customerId: id,
      at: values.createdAt!,
      kind: 'customer.created',
      refType: 'customer',
      refId: id,
      title: title(values.name),
      detail: {
        ownerId: values.ownerId,
        ownerName: input[i].ownerName ?? null,
        stage: values.stage,
        source: values.source,
        ...options.timelineDetail,
      },
      departmentId: options.actorDepartmentId ?? null,
      actorId: options.actorId ?? null,
      createdAt: values.createdAt!,
    })),
  );
  return inserted;
}
