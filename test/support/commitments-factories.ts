import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { departments } from '../../src/modules/departments/tables.ts';
import { ticketCategories, tickets } from '../../src/modules/tickets/tables.ts';
import type { TestApp } from './harness.ts';

/**
 * Helpers of the work-order and commitment tests. `insertTicket` writes an owned, open ticket
 * straight to the database (no SLA, timeline or audit), so these tests depend only on the ticket
 * service's access checks and conversation, not on the whole ticket-creation path.
 */
export async function insertTicket(
  t: TestApp,
  options: Partial<typeof tickets.$inferInsert> & {
    customerId: string;
    categoryId: string;
    ownerId: string;
    departmentId: string | null;
  },
) {
  const [row] = await t.ctx.db
    .insert(tickets)
    .values({
      id: uuidv7(),
      number: `T9999-${randomUUID().slice(0, 6)}`,
      type: 'complaint',
      channel: 'phone',
      status: 'open',
      subject: '货物破损',
      customerWords: '货物到达时外箱破损，里面的设备摔坏了。',
      receivedAt: t.ctx.now(),
      createdBy: options.ownerId,
      ...options,
    })
    .returning();
  return row;
}

/** The seeded ticket categories by code (delay, damage, loss …). */
export async function ticketCategoryIds(t: TestApp): Promise<Record<string, string>> {
  const rows = await t.ctx.db
    .select({ id: ticketCategories.id, code: ticketCategories.code })
    .from(ticketCategories);
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

export async function makeDepartmentHead(t: TestApp, departmentId: string, userId: string): Promise<void> {
  await t.ctx.db.update(departments).set({ headUserId: userId }).where(eq(departments.id, departmentId));
}
