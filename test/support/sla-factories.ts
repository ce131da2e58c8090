import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { ticketCategories, tickets } from '../../src/modules/tickets/tables.ts';
import type { TestApp } from './harness.ts';

/**
 * Tickets written straight to the database with their SLA computed by the SLA service, for the SLA
 * and escalation tests (independent of the ticket endpoints).
 */
let sequence = 0;

export type TicketRow = typeof tickets.$inferSelect;

export async function categoryId(t: TestApp, code = 'delay'): Promise<string> {
  const [row] = await t.ctx.db.select().from(ticketCategories).where(eq(ticketCategories.code, code));
  return row.id;
}

export async function createSlaTicket(
  t: TestApp,
  options: Partial<typeof tickets.$inferInsert> & {
    customerId: string;
    ownerId: string | null;
    receivedAt: Date;
  },
): Promise<TicketRow> {
  sequence += 1;
  const id = uuidv7();
  const category = options.categoryId ?? (await categoryId(t));
  await t.ctx.db.transaction(async (tx) => {
    await tx.insert(tickets).values({
      id,
      number: `TS-${Date.now().toString(36)}-${sequence}`,
      type: 'complaint',
      channel: 'phone',
      status: 'open',
      categoryId: category,
      severity: 'normal',
      subject: `货物延误 ${sequence}`,
      customerWords: '货到晚了三天',
      ...options,
    });
    await t.ctx.services.sla.refresh(tx, id);
  });
  return ticketRow(t, id);
}

export async function ticketRow(t: TestApp, id: string): Promise<TicketRow> {
  const [row] = await t.ctx.db.select().from(tickets).where(eq(tickets.id, id));
  return row;
}

/** Runs an SLA service step (pause, resume, refresh) in its own transaction. */
export async function slaStep(t: TestApp, step: (tx: any) => Promise<void>): Promise<void> {
  await t.ctx.db.transaction(step);
}
