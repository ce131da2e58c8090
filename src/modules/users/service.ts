import { hash, verify } from '@node-rs/argon2';
import { type SQL, and, asc, eq, ilike, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Actor, isStaff } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { type Role, users } from './tables.ts';

export type User = typeof users.$inferSelect;
export type PublicUser = Omit<User, 'passwordHash' | 'failedLogins' | 'lockedUntil'>;

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
  departmentId?: string | null;
  customerId?: string | null;
}

export interface UserChanges {
  name?: string;
  role?: Role;
  departmentId?: string | null;
  customerId?: string | null;
  active?: boolean;
  password?: string;
  locale?: string;
}

// argon2id with OWASP's recommended minimums (19 MiB, 2 iterations).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false);
}

export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _h, failedLogins: _f, lockedUntil: _l, ...rest } = user;
  return rest;
}

export class UsersService {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor, filter: { q?: string; role?: Role; departmentId?: string; active?: boolean }) {
    // Staff see colleagues (to assign owners and tasks); only admins see portal accounts.
    if (!isStaff(actor)) throw forbidden();
    const conditions: SQL[] = [];
    if (filter.role) conditions.push(eq(users.role, filter.role));
    if (filter.departmentId) conditions.push(eq(users.departmentId, filter.departmentId));
    if (filter.active !== undefined) conditions.push(eq(users.active, filter.active));
    if (filter.q)
      conditions.push(or(ilike(users.name, `%${filter.q}%`), ilike(users.email, `%${filter.q}%`))!);
    const rows = await this.ctx.db
      .select()
      .from(users)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(users.name))
      .limit(1000);
    return rows.filter((u) => actor.role === 'admin' || u.role !== 'portal').map(toPublicUser);
  }

  async get(actor: Actor, id: string): Promise<PublicUser> {
    if (actor.id !== id && !isStaff(actor)) throw notFound('User');
    const [row] = await this.ctx.db.select().from(users).where(eq(users.id, id));
    if (!row || (row.role === 'portal' && actor.role !== 'admin' && actor.id !== id)) throw notFound('User');
    return toPublicUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const [row] = await this.ctx.db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
    return row;
  }

  async create(actor: Actor, input: NewUser): Promise<PublicUser> {
    if (actor.role !== 'admin') throw forbidden('Only administrators manage users.');
    return this.insert(actor, input);
  }

  /** Creates a user without a permission check: set-up, CLI and demo data. */
  async insert(actor: Actor | null, input: NewUser): Promise<PublicUser> {
    const email = input.email.trim().toLowerCase();
    await this.checkAssignment(input.role, input.departmentId ?? null, input.customerId ?? null);
    if (await this.findByEmail(email)) throw conflict(`A user with e-mail ${email} already exists.`);
    const passwordHash = await hashPassword(input.password);
    const id = uuidv7();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          id,
          email,
          name: input.name.trim(),
          passwordHash,
          role: input.role,
          departmentId: input.departmentId ?? null,
          customerId: input.role === 'portal' ? (input.customerId ?? null) : null,
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'user',
        entityId: id,
        customerId: row.customerId,
        after: row,
      });
      return toPublicUser(row);
    });
  }

  async update(actor: Actor, id: string, changes: UserChanges, version: number): Promise<PublicUser> {
    const self = actor.id === id;
    if (actor.role !== 'admin') {
      // Users may change their own name, password and language; nothing else.
      const allowed = ['name', 'password', 'locale'];
      if (!self || Object.keys(changes).some((k) => !allowed.includes(k))) {
        throw forbidden('Only administrators manage users.');
      }
    }
    const [before] = await this.ctx.db.select().from(users).where(eq(users.id, id));
    if (!before) throw notFound('User');
    const role = changes.role ?? before.role;
    const departmentId = changes.departmentId !== undefined ? changes.departmentId : before.departmentId;
    const customerId = changes.customerId !== undefined ? changes.customerId : before.customerId;
    if (changes.role || changes.departmentId !== undefined || changes.customerId !== undefined) {
      await this.checkAssignment(role, departmentId, customerId);
    }
    if (self && changes.active === false)
      throw validationFailed([{ field: 'active', message: 'you cannot deactivate yourself' }]);
    const { password, ...rest } = changes;
    const set: Partial<User> = { ...rest, updatedAt: new Date(), version: before.version + 1 };
    if (role !== 'portal') set.customerId = null;
    if (password) {
      set.passwordHash = await hashPassword(password);
      set.failedLogins = 0;
      set.lockedUntil = null;
    }
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set(set)
        .where(and(eq(users.id, id), eq(users.version, version)))
        .returning();
      if (!row) throw staleVersion(toPublicUser(before));
      // A deactivated user or a new password ends existing sessions.
      if (changes.active === false || password) await this.ctx.services.auth.endSessionsOf(tx, id);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'user',
        entityId: id,
        before,
        after: row,
      });
      return toPublicUser(row);
    });
  }

  private async checkAssignment(role: Role, departmentId: string | null, customerId: string | null) {
    if (role === 'portal') {
      if (!customerId)
        throw validationFailed([{ field: 'customerId', message: 'a portal user belongs to one customer' }]);
      const [customer] = await this.ctx.db
        .select({ id: customers.id })
        .from(customers)
        .where(eq(customers.id, customerId));
      if (!customer) throw validationFailed([{ field: 'customerId', message: 'no such customer' }]);
    } else if (customerId) {
      throw validationFailed([{ field: 'customerId', message: 'only portal users belong to a customer' }]);
    }
    if (departmentId) {
      const [department] = await this.ctx.db
        .select({ id: departments.id })
        .from(departments)
        .where(eq(departments.id, departmentId));
      if (!department) throw validationFailed([{ field: 'departmentId', message: 'no such department' }]);
    }
  }
}
