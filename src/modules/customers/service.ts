import { eq } from 'drizzle-orm';
import { type Actor, canEditCustomer, canReadCustomer } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden, notFound } from '../../server/problems.ts';
import { customers } from './tables.ts';

export type Customer = typeof customers.$inferSelect;

export class CustomersService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * The customer if the actor may read it. Unreadable and unknown ids look the same (404), so a
   * portal user learns nothing about other customers.
   */
  async requireReadable(actor: Actor, id: string): Promise<Customer> {
    const [row] = await this.ctx.db.select().from(customers).where(eq(customers.id, id));
    if (!row || !canReadCustomer(actor, row)) throw notFound('Customer');
    return row;
  }

  /** The customer if the actor may change it (and its contacts, interactions, follow-ups). */
  async requireEditable(actor: Actor, id: string): Promise<Customer> {
    const row = await this.requireReadable(actor, id);
    if (!canEditCustomer(actor, row))
      throw forbidden('Only the owner, their supervisor or an admin may change this customer.');
    return row;
  }
}
