import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../db/index.ts';
import { loadDeskDemo } from '../demo/desk.ts';
import { loadSatisfactionDemo } from '../demo/satisfaction.ts';
import { loadShipmentDemo } from '../demo/shipments.ts';
import { type DemoCustomer, generateBatches } from '../demo/generator.ts';
import { CUSTOMERS_PER_AGENT, DEMO_DEPARTMENTS, type DemoUser, demoUsers } from '../demo/organisation.ts';
import { insertCustomersBulk } from '../modules/customers/bulk.ts';
import { customers } from '../modules/customers/tables.ts';
import { departments } from '../modules/departments/tables.ts';
import { insertFollowUpsBulk } from '../modules/followups/bulk.ts';
import { insertInteractionsBulk } from '../modules/interactions/bulk.ts';
import { settings } from '../modules/settings/tables.ts';
import { hashPassword } from '../modules/users/service.ts';
import { users } from '../modules/users/tables.ts';
import type { AppContext } from '../server/context.ts';

/** Every demo account has this password; it is printed when the accounts are created. */
export const DEMO_PASSWORD = 'liaison-demo';
/** What `serve` loads into an empty database. */
export const DEFAULT_DEMO_CUSTOMERS = 300;
export const DEFAULT_DEMO_SEED = 'liaison';
const EXAMPLE_CUSTOMER = '上海远洋物流有限公司';

/**
 * Progress of a demo load is kept in the settings table under `demo.seed.<seed>`, written in the
 * same transaction as each batch: a second run with the same seed continues where the first
 * stopped (the generator is deterministic, so it skips exactly what is stored) and never
 * duplicates. The marker is internal, so it is not one of the typed settings.
 */
const MARKER_PREFIX = 'demo.seed.';

interface DemoMarker {
  loaded: number;
  /** Whether the run started with the docs' example customers (fixed for the seed's later runs). */
  featured: boolean;
  startedAt: string;
  finishedAt?: string;
}

export interface DemoOrganisation {
  departmentIds: Map<string, string>;
  agents: { id: string; name: string; departmentId: string }[];
  /** One operations user per operations department code. */
  operations: Map<string, { id: string; departmentId: string }>;
  teamId: string;
}

export interface DemoStats {
  customers: number;
  contacts: number;
  interactions: number;
  followUps: number;
  skipped: number;
  ms: number;
}

/**
 * Creates the demo departments and staff accounts that are missing (by department code and
 * e-mail), and returns the ids the data loader needs. Passwords are hashed once: argon2id is
 * slow on purpose.
 */
export async function ensureDemoOrganisation(
  ctx: AppContext,
  agentCount: number,
  print: (line: string) => void,
): Promise<DemoOrganisation> {
  const system = ctx.services.auth.systemActor();
  const existingDepartments = await ctx.db.select().from(departments);
  const byCode = new Map(existingDepartments.map((d) => [d.code, d]));
  for (const department of DEMO_DEPARTMENTS) {
    if (byCode.has(department.code)) continue;
    const created = await ctx.services.departments.create(system, {
      code: department.code,
      name: department.name,
      nameEn: department.nameEn,
      parentId: department.parent ? byCode.get(department.parent)?.id : null,
    });
    byCode.set(created.code, created);
  }

  const wanted = demoUsers(agentCount);
  const emails = wanted.map((u) => u.email);
  const existingUsers = await ctx.db.select().from(users).where(inArray(users.email, emails));
  const byEmail = new Map(existingUsers.map((u) => [u.email, u]));
  const missing = wanted.filter((u) => !byEmail.has(u.email));
  if (missing.length > 0) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await ctx.db.transaction(async (tx) => {
      const rows = missing.map((u) => ({
        id: uuidv7(),
        email: u.email,
        name: u.name,
        passwordHash,
        role: u.role,
        departmentId: byCode.get(u.department)!.id,
      }));
      const inserted = await tx.insert(users).values(rows).returning();
      await ctx.services.audit.recordMany(
        tx,
        system,
        inserted.map((row) => ({ action: 'create', entityType: 'user', entityId: row.id, after: row })),
      );
      for (const row of inserted) byEmail.set(row.email, row);
    });
    printAccounts(missing, print);
  }
  // Heads: the supervisor leads the service centre, each operations user their department.
  for (const user of wanted) {
    if (!user.heads) continue;
    const department = byCode.get(user.heads)!;
    if (department.headUserId) continue;
    const head = byEmail.get(user.email)!;
    const updated = await ctx.services.departments.update(system, department.id, { headUserId: head.id });
    byCode.set(updated.code, updated);
  }

  const teamId = byCode.get('CS')!.id;
  const operations = new Map<string, { id: string; departmentId: string }>();
  const agents: { id: string; name: string; departmentId: string }[] = [];
  for (const user of wanted) {
    const row = byEmail.get(user.email)!;
    if (!row.active || !row.departmentId) continue;
    if (user.role === 'agent') agents.push({ id: row.id, name: row.name, departmentId: row.departmentId });
    if (user.role === 'operations')
      operations.set(user.department, { id: row.id, departmentId: row.departmentId });
  }
  if (agents.length === 0) throw new Error('No active demo agent accounts to own the demo customers.');
  return {
    departmentIds: new Map([...byCode.values()].map((d) => [d.code, d.id])),
    agents,
    operations,
    teamId,
  };
}

function printAccounts(created: DemoUser[], print: (line: string) => void): void {
  print('');
  print(`  Demo accounts (password for all: ${DEMO_PASSWORD}) — shown only this once:`);
  const agents = created.filter((u) => u.role === 'agent');
  for (const user of created) {
    // Many agents (large demos) are summarised in one line.
    if (user.role === 'agent' && agents.length > 6) {
      if (user === agents[0])
        print(
          `    ${'agent'.padEnd(10)} ${`${agents[0].email} … ${agents.at(-1)!.email}`} (${agents.length} agents)`,
        );
      continue;
    }
    print(`    ${user.role.padEnd(10)} ${user.email.padEnd(36)} ${user.name}`);
  }
  print('  Deactivate them or change their passwords before real use.');
  print('');
}

export function agentsFor(customerCount: number): number {
  return Math.max(4, Math.ceil(customerCount / CUSTOMERS_PER_AGENT));
}

export interface DemoRunOptions {
  customers: number;
  seed: string;
  /** Customers per transaction. */
  batchSize?: number;
  onProgress?: (loaded: number, total: number) => void;
  print?: (line: string) => void;
}

/**
 * Loads `customers` generated customers (with contacts, interactions, follow-ups) for a seed, in
 * batches, one transaction per batch. Resumes an interrupted run of the same seed; a finished seed
 * loads nothing more (ask for more customers to extend it, or use another seed).
 */
export async function runDemo(ctx: AppContext, options: DemoRunOptions): Promise<DemoStats> {
  const print = options.print ?? (() => {});
  const started = Date.now();
  const key = MARKER_PREFIX + options.seed;
  const org = await ensureDemoOrganisation(ctx, agentsFor(options.customers), print);
  // The docs' example customers come first unless an earlier load already has them.
  const [example] = await ctx.db
    .select({ id: customers.id })
    .from(customers)
    .where(eq(customers.name, EXAMPLE_CUSTOMER))
    .limit(1);
  await ctx.db
    .insert(settings)
    .values({
      key,
      value: { loaded: 0, featured: !example, startedAt: new Date().toISOString() } satisfies DemoMarker,
    })
    .onConflictDoNothing();
  const marker = (await readMarker(ctx.db, key))!;
  const skip = marker.loaded;
  const [{ count }] = await ctx.db.select({ count: sql<number>`count(*)::int` }).from(customers);
  // Customers that this seed did not load (another seed's, or real ones).
  const othersPresent = count > skip;
  const stats: DemoStats = { customers: 0, contacts: 0, interactions: 0, followUps: 0, skipped: skip, ms: 0 };
  const now = ctx.now();
  const timeZone = (await ctx.services.settings.get('display.timeZone')) ?? ctx.config.displayTimeZone;
  const batchSize = options.batchSize ?? 1000;
  let position = 0;
  options.onProgress?.(Math.min(skip, options.customers), options.customers);
  for (const batch of generateBatches(
    { seed: options.seed, customers: options.customers, now, featured: marker.featured !== false },
    batchSize,
  )) {
    const end = position + batch.length;
    if (end <= skip) {
      position = end;
      continue;
    }
    const fresh = batch.slice(Math.max(0, skip - position));
    const loadedBefore = position + (batch.length - fresh.length);
    await ctx.db.transaction(async (tx) => {
      // Optimistic lock on the marker: two loaders of one seed cannot both insert a batch.
      const moved = await tx
        .update(settings)
        .set({
          value: sql`jsonb_set(${settings.value}, '{loaded}', ${String(end)}::jsonb)`,
          updatedAt: new Date(),
        })
        .where(and(eq(settings.key, key), sql`(${settings.value}->>'loaded')::int = ${loadedBefore}`))
        .returning({ key: settings.key });
      if (moved.length === 0) throw new Error(`Another demo load of seed "${options.seed}" is running.`);
      const counts = await writeDemoBatch(tx, org, fresh, now, othersPresent, timeZone);
      stats.customers += counts.customers;
      stats.contacts += counts.contacts;
      stats.interactions += counts.interactions;
      stats.followUps += counts.followUps;
    });
    position = end;
    options.onProgress?.(end, options.customers);
  }
  await ctx.db
    .update(settings)
    .set({
      value: sql`jsonb_set(${settings.value}, '{finishedAt}', ${JSON.stringify(new Date().toISOString())}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(settings.key, key));
  if (stats.customers > 0) {
    // Fresh planner statistics: PGlite has no autovacuum to gather them, and without them the
    // customer list picks poor plans on a freshly loaded table.
    await ctx.db.execute(sql`analyze customers, contacts, interactions, follow_ups, timeline_entries`);
    await ctx.services.audit.record(ctx.db, ctx.services.auth.systemActor(), {
      action: 'demo_load',
      entityType: 'demo',
      entityId: options.seed,
      after: { ...stats, ms: undefined },
    });
  }
  stats.ms = Date.now() - started;
  return stats;
}

async function readMarker(db: DbOrTx, key: string): Promise<DemoMarker | undefined> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return row?.value as DemoMarker | undefined;
}

/** Inserts one batch of generated customers and everything that hangs off them. */
async function writeDemoBatch(
  tx: DbOrTx,
  org: DemoOrganisation,
  batch: DemoCustomer[],
  now: Date,
  checkNames: boolean,
  timeZone: string,
): Promise<Omit<DemoStats, 'ms' | 'skipped'>> {
  const owners = batch.map((c) => org.agents[c.ownerSlot % org.agents.length]);
  // Another seed (or a user) may have produced the same name or tax id: a branch office gets the
  // name, and a tax id is never shared (it identifies one legal entity). Names are only looked up
  // when other customers exist: names have no b-tree index, and one seed never repeats a name.
  const taxIds = batch.map((c) => c.taxId).filter((t): t is string => t !== null);
  const takenTaxIds = new Set(
    taxIds.length
      ? (
          await tx.select({ taxId: customers.taxId }).from(customers).where(inArray(customers.taxId, taxIds))
        ).map((t) => t.taxId)
      : [],
  );
  const takenNames = new Set(
    checkNames
      ? (
          await tx
            .select({ name: customers.name })
            .from(customers)
            .where(
              inArray(
                customers.name,
                batch.map((c) => c.name),
              ),
            )
        ).map((t) => t.name)
      : [],
  );
  const inserted = await insertCustomersBulk(
    tx,
    batch.map((c, i) => ({
      name: takenNames.has(c.name) && c.branchName ? c.branchName : c.name,
      shortName: c.shortName,
      kind: c.kind,
      taxId: c.taxId && takenTaxIds.has(c.taxId) ? null : c.taxId,
      industry: c.industry,
      phone: c.phone,
      email: c.email,
      website: c.website,
      addresses: c.addresses,
      source: c.source,
      ownerId: owners[i].id,
      ownerName: owners[i].name,
      teamId: org.teamId,
      departmentIds: c.departmentCodes
        .map((code) => org.departmentIds.get(code))
        .filter((id) => id !== undefined),
      stage: c.stage,
      churnReason: c.churnReason,
      valueClass: c.valueClass,
      needType: c.needType,
      bonds: c.bonds,
      competitors: c.competitors,
      tags: c.tags,
      requirements: c.requirements,
      notes: c.notes,
      verifiedAt: c.verifiedAt,
      createdBy: owners[i].id,
      createdAt: c.createdAt,
      contacts: c.contacts,
    })),
    { timelineDetail: { demo: true } },
  );

  const interactionRows = batch.flatMap((c, i) =>
    c.interactions.map((interaction) => {
      const user = interaction.by === 'owner' ? owners[i] : (org.operations.get(interaction.by) ?? owners[i]);
      return {
        customerId: inserted[i].id,
        contactId: interaction.contact === null ? null : inserted[i].contactIds[interaction.contact],
        userId: user.id,
        departmentId: user.departmentId,
        channel: interaction.channel,
        direction: interaction.direction,
        summary: interaction.summary,
        outcome: interaction.outcome,
        nextStep: interaction.nextStep,
        occurredAt: interaction.occurredAt,
        createdAt: interaction.occurredAt,
        updatedAt: interaction.occurredAt,
      };
    }),
  );
  await insertInteractionsBulk(tx, interactionRows);

  const followUpRows = batch.flatMap((c, i) =>
    c.followUps.map((task) => {
      const owner = owners[i].id;
      const createdAt = new Date(
        Math.min(now.getTime(), Math.max(c.createdAt.getTime(), task.dueAt.getTime() - 14 * 86_400_000)),
      );
      return {
        customerId: inserted[i].id,
        contactId: task.contact === null ? null : (inserted[i].contactIds[task.contact] ?? null),
        assigneeId: owner,
        kind: task.kind,
        title: task.title,
        notes: task.notes,
        dueAt: task.dueAt,
        status: task.status,
        result: task.status === 'done' ? task.result : null,
        completedAt: task.status === 'done' ? task.completedAt : null,
        completedBy: task.status === 'done' ? owner : null,
        cancelledAt: task.status === 'cancelled' ? task.completedAt : null,
        cancelledBy: task.status === 'cancelled' ? owner : null,
        cancelReason: task.status === 'cancelled' ? task.result : null,
        createdBy: owner,
        createdAt,
        updatedAt: task.completedAt ?? createdAt,
      };
    }),
  );
  await insertFollowUpsBulk(tx, followUpRows, timeZone);

  return {
    customers: inserted.length,
    contacts: inserted.reduce((n, c) => n + c.contactIds.length, 0),
    interactions: interactionRows.length,
    followUps: followUpRows.length,
  };
}

/**
 * What `serve` calls on every start: on a database without customers that never had demo data,
 * create the demo company (departments, accounts) and ~300 customers with their history. A second
 * start finds the customers (or the marker) and does nothing.
 */
export async function loadDemoIfEmpty(ctx: AppContext, print: (line: string) => void): Promise<void> {
  const [anyCustomer] = await ctx.db.select({ id: customers.id }).from(customers).limit(1);
  if (anyCustomer) return;
  // A finished load whose customers are gone (archived files stay, so this is rare) is not redone;
  // an interrupted one is resumed.
  const [finished] = await ctx.db
    .select({ key: settings.key })
    .from(settings)
    .where(and(like(settings.key, `${MARKER_PREFIX}%`), sql`${settings.value} ? 'finishedAt'`))
    .limit(1);
  if (finished) return;
  print(`Loading demo data (${DEFAULT_DEMO_CUSTOMERS} customers; LIAISON_DEMO=0 skips this)…`);
  const stats = await runDemo(ctx, {
    customers: DEFAULT_DEMO_CUSTOMERS,
    seed: DEFAULT_DEMO_SEED,
    batchSize: DEFAULT_DEMO_CUSTOMERS,
    print,
  });
  print(
    `Demo data loaded: ${stats.customers} customers, ${stats.contacts} contacts, ${stats.interactions} interactions, ${stats.followUps} follow-ups in ${(stats.ms / 1000).toFixed(1)} s.`,
  );
  await loadDeskDemoIfEmpty(ctx, DEFAULT_DEMO_SEED, print);
}

/**
 * The service desk's demo (tickets, work orders, promises, standard answers) over the first few
 * hundred demo customers, and the shipments demo (shipments with milestones fed through the
 * ingestion, so exceptions and notices are derived), each once: each does nothing when its first
 * table already has rows.
 */
export async function loadDeskDemoIfEmpty(
  ctx: AppContext,
  seed: string,
  print: (line: string) => void,
): Promise<void> {
  const desk = await loadDeskDemo(ctx, { seed, customers: DEFAULT_DEMO_CUSTOMERS });
  if (desk) {
    print(
      `Service desk demo: ${desk.tickets} tickets, ${desk.workOrders} work orders, ${desk.commitments} commitments, ${desk.followUps} follow-up visits, ${desk.articles} standard answers, ${desk.templates} templates in ${(desk.ms / 1000).toFixed(1)} s.`,
    );
  }
  const cargo = await loadShipmentDemo(ctx, { seed });
  if (cargo) {
    print(
      `Shipments demo: ${cargo.shipments} shipments, ${cargo.events} milestone events, ${cargo.exceptions} exceptions in ${(cargo.ms / 1000).toFixed(1)} s.`,
    );
  }
  const satisfaction = await loadSatisfactionDemo(ctx, { seed });
  if (satisfaction) {
    print(
      `Satisfaction demo: ${satisfaction.surveys} surveys, ${satisfaction.invitations} invitations, ${satisfaction.responses} responses (${satisfaction.answers} answers), ${satisfaction.alerts} alerts in ${(satisfaction.ms / 1000).toFixed(1)} s.`,
    );
  }
}
