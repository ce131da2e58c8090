import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { ticketCategories, tickets } from '../../src/modules/tickets/tables.ts';
import type { TestApp } from './harness.ts';

/**
 * Tickets written straight to the table, for the knowledge-base and measures tests: they need
 * tickets in exact states (times, breaches, reopenings) that the API would take many steps to reach.
 */

let sequence = 0;

export type TicketRow = typeof tickets.$inferSelect;

export async function categoryId(t: TestApp, code: string): Promise<string> {
  const [row] = await t.ctx.db
    .select({ id: ticketCategories.id })
    .from(ticketCategories)
    .where(eq(ticketCategories.code, code));
  if (!row) throw new Error(`no ticket category ${code}`);
  return row.id;
}

export async function insertTicket(
  t: TestApp,
  values: Partial<typeof tickets.$inferInsert> & { customerId: string; categoryId: string },
): Promise<TicketRow> {
  sequence += 1;
  const receivedAt = values.receivedAt ?? new Date('2026-11-02T02:00:00Z');
  const [row] = await t.ctx.db
    .insert(tickets)
    .values({
      id: uuidv7(),
      number: `TK-TEST-${process.pid}-${sequence}`,
      type: 'complaint',
      channel: 'phone',
      status: 'open',
      subject: `测试工单 ${sequence}`,
      customerWords: '客户反映问题',
      receivedAt,
      createdAt: receivedAt,
      ...values,
    })
    .returning();
  return row;
}
