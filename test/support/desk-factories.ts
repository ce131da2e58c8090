import { eq } from 'drizzle-orm';
import { departments } from '../../src/modules/departments/tables.ts';
import { ticketCategories } from '../../src/modules/tickets/tables.ts';
import type { Client, TestApp } from './harness.ts';

/** Shared helpers for service-desk tests (tickets, work orders, SLA, escalations). */

/** The seeded ticket categories by code: delay, damage, loss, misdelivery, billing, attitude, information, other. */
export async function categoryIds(t: TestApp): Promise<Record<string, string>> {
  const rows = await t.ctx.db
    .select({ id: ticketCategories.id, code: ticketCategories.code })
    .from(ticketCategories);
  return Object.fromEntries(rows.map((row) => [row.code, row.id]));
}

export async function setDepartmentHead(t: TestApp, departmentId: string, userId: string): Promise<void> {
  await t.ctx.db.update(departments).set({ headUserId: userId }).where(eq(departments.id, departmentId));
}

export interface NewTicket {
  type?: string;
  channel?: string;
  customerId: string;
  categoryId: string;
  contactId?: string | null;
  shipmentRef?: string | null;
  lane?: string | null;
  severity?: string;
  subject?: string;
  customerWords?: string;
  customerRequest?: string | null;
  receivedAt?: string;
}

/** Opens a ticket through the API as `client` (who becomes its owner) and returns the body; throws unless 201. */
export async function openTicket(client: Client, input: NewTicket): Promise<any> {
  const response = await client.post('/api/tickets', {
    type: 'complaint',
    channel: 'phone',
    severity: 'normal',
    subject: '货物延误',
    customerWords: '我们的货物在上海港延误了三天，没有人通知我们。',
    ...input,
  });
  if (response.status !== 201)
    throw new Error(`open ticket failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A status action (take, wait, resolve, close …) that must succeed; returns the ticket. */
export async function ticketAction(
  client: Client,
  id: string,
  action: string,
  body: object = {},
): Promise<any> {
  const response = await client.post(`/api/tickets/${id}/${action}`, body);
  if (response.status !== 200)
    throw new Error(`${action} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
