import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type ImportantDate, contacts, customers } from '../../src/modules/customers/tables.ts';
import { followUps } from '../../src/modules/followups/tables.ts';
import { interactions } from '../../src/modules/interactions/tables.ts';
import type { Role } from '../../src/modules/users/tables.ts';
import type { Client, TestApp } from './harness.ts';

/**
 * Small factories that write straight to the database, for tests that need records without going
 * through (or before there is) an endpoint. They skip validation, audit and timeline on purpose.
 */

let sequence = 0;
const next = () => {
  sequence += 1;
  return sequence;
};

export type CustomerRow = typeof customers.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;

export async function createCustomer(
  t: TestApp,
  options: Partial<typeof customers.$inferInsert> & { ownerId: string },
): Promise<CustomerRow> {
  const n = next();
  const [row] = await t.ctx.db
    .insert(customers)
    .values({
      id: uuidv7(),
      name: `测试物流有限公司 ${n}`,
      ...options,
    })
    .returning();
  return row;
}

export async function createContact(
  t: TestApp,
  options: Partial<typeof contacts.$inferInsert> & { customerId: string; importantDates?: ImportantDate[] },
): Promise<ContactRow> {
  const n = next();
  const [row] = await t.ctx.db
    .insert(contacts)
    .values({ id: uuidv7(), name: `联系人${n}`, ...options })
    .returning();
  return row;
}

export async function createInteraction(
  t: TestApp,
  options: Partial<typeof interactions.$inferInsert> & { customerId: string; userId: string },
) {
  const [row] = await t.ctx.db
    .insert(interactions)
    .values({
      id: uuidv7(),
      channel: 'phone',
      direction: 'outbound',
      summary: '电话沟通',
      occurredAt: new Date(),
      ...options,
    })
    .returning();
  return row;
}

export async function createFollowUp(
  t: TestApp,
  options: Partial<typeof followUps.$inferInsert> & { customerId: string; assigneeId: string },
) {
  const [row] = await t.ctx.db
    .insert(followUps)
    .values({ id: uuidv7(), title: '回访', dueAt: new Date(), ...options })
    .returning();
  return row;
}

export async function setCustomer(t: TestApp, id: string, changes: Partial<typeof customers.$inferInsert>) {
  await t.ctx.db.update(customers).set(changes).where(eq(customers.id, id));
}

/** A department through the API (as admin). */
export async function createDepartment(
  t: TestApp,
  options: { name?: string; code?: string; parentId?: string | null } = {},
): Promise<{ id: string; code: string; name: string }> {
  const code = options.code ?? `D${randomUUID().slice(0, 8)}`;
  const response = await t.admin.post('/api/departments', {
    code,
    name: options.name ?? `部门 ${code}`,
    parentId: options.parentId ?? null,
  });
  if (response.status !== 201) throw new Error(`create department failed: ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * A small organisation for access-control tests: a customer-service centre with two teams, an
 * operations department, and one user of every role.
 */
export interface Organisation {
  centre: { id: string };
  teamA: { id: string };
  teamB: { id: string };
  airExport: { id: string };
  seaImport: { id: string };
  agent: Client;
  teammate: Client;
  otherAgent: Client;
  supervisor: Client;
  otherSupervisor: Client;
  centreSupervisor: Client;
  operations: Client;
  otherOperations: Client;
  manager: Client;
}

export async function createOrganisation(t: TestApp): Promise<Organisation> {
  const centre = await createDepartment(t, { name: '客服中心' });
  const [teamA, teamB, airExport, seaImport] = await Promise.all([
    createDepartment(t, { name: '客服一组', parentId: centre.id }),
    createDepartment(t, { name: '客服二组', parentId: centre.id }),
    createDepartment(t, { name: '空运出口部' }),
    createDepartment(t, { name: '海运进口部' }),
  ]);
  const user = (role: Role, departmentId: string, name?: string) =>
    t.userClient(role, { departmentId, name });
  const [
    agent,
    teammate,
    otherAgent,
    supervisor,
    otherSupervisor,
    centreSupervisor,
    operations,
    otherOperations,
    manager,
  ] = await Promise.all([
    user('agent', teamA.id, '张客服'),
    user('agent', teamA.id, '李客服'),
    user('agent', teamB.id, '王客服'),
    user('supervisor', teamA.id, '一组主管'),
    user('supervisor', teamB.id, '二组主管'),
    user('supervisor', centre.id, '中心主管'),
    user('operations', airExport.id, '空出操作'),
    user('operations', seaImport.id, '海进操作'),
    user('manager', centre.id, '经理'),
  ]);
  return {
    centre,
    teamA,
    teamB,
    airExport,
    seaImport,
    agent,
    teammate,
    otherAgent,
    supervisor,
    otherSupervisor,
    centreSupervisor,
    operations,
    otherOperations,
    manager,
  };
}

/** A portal user of a customer, logged in. */
export function portalUser(t: TestApp, customerId: string): Promise<Client> {
  return t.userClient('portal', { customerId });
}
