import { asc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Actor, isStaff } from '../../domain/access.ts';
import { descendants, wouldCreateCycle } from '../../domain/departments.ts';
import type { AppContext } from '../../server/context.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { users } from '../users/tables.ts';
import { departments } from './tables.ts';

export type Department = typeof departments.$inferSelect;

export interface DepartmentInput {
  code: string;
  name: string;
  nameEn?: string | null;
  parentId?: string | null;
  headUserId?: string | null;
}

export class DepartmentsService {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor): Promise<Department[]> {
    if (!isStaff(actor)) throw forbidden();
    return this.ctx.db.select().from(departments).orderBy(asc(departments.code));
  }

  async get(actor: Actor, id: string): Promise<Department> {
    if (!isStaff(actor)) throw notFound('Department');
    const [row] = await this.ctx.db.select().from(departments).where(eq(departments.id, id));
    if (!row) throw notFound('Department');
    return row;
  }

  /** A department and all below it: a supervisor's team. */
  async subtreeIds(departmentId: string | null): Promise<string[]> {
    if (!departmentId) return [];
    const all = await this.ctx.db
      .select({ id: departments.id, parentId: departments.parentId })
      .from(departments);
    return descendants(all, departmentId);
  }

  async create(actor: Actor, input: DepartmentInput): Promise<Department> {
    if (actor.role !== 'admin') throw forbidden('Only administrators manage departments.');
    await this.checkReferences(input);
    const [existing] = await this.ctx.db.select().from(departments).where(eq(departments.code, input.code));
    if (existing) throw conflict(`Department code "${input.code}" is taken.`);
    const id = uuidv7();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(departments)
        .values({
          id,
          code: input.code,
          name: input.name,
          nameEn: input.nameEn ?? null,
          parentId: input.parentId ?? null,
          headUserId: input.headUserId ?? null,
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'department',
        entityId: id,
        after: row,
      });
      return row;
    });
  }

  async update(actor: Actor, id: string, input: Partial<DepartmentInput>): Promise<Department> {
    if (actor.role !== 'admin') throw forbidden('Only administrators manage departments.');
    const before = await this.get(actor, id);
    await this.checkReferences(input);
    if (input.parentId) {
      const all = await this.ctx.db
        .select({ id: departments.id, parentId: departments.parentId })
        .from(departments);
      if (wouldCreateCycle(all, id, input.parentId)) {
        throw validationFailed([{ field: 'parentId', message: 'a department cannot sit below itself' }]);
      }
    }
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(departments)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(departments.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'department',
        entityId: id,
        before,
        after: row,
      });
      return row;
    });
  }

  private async checkReferences(input: Partial<DepartmentInput>): Promise<void> {
    if (input.parentId) {
      const [parent] = await this.ctx.db.select().from(departments).where(eq(departments.id, input.parentId));
      if (!parent) throw validationFailed([{ field: 'parentId', message: 'no such department' }]);
    }
    if (input.headUserId) {
      const [head] = await this.ctx.db.select().from(users).where(eq(users.id, input.headUserId));
      if (!head || head.role === 'portal') {
        throw validationFailed([{ field: 'headUserId', message: 'the head must be a staff user' }]);
      }
    }
  }
}
