import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { Problem, forbidden, notFound, unauthorized, validationFailed } from '../../server/problems.ts';
import { type PublicUser, type User, hashPassword, toPublicUser, verifyPassword } from '../users/service.ts';
import { users } from '../users/tables.ts';
import { apiTokens, sessions } from './tables.ts';

export const SESSION_COOKIE = 'liaison_session';
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60 * 1000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

// A real hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
};

export interface LoginResult {
  user: PublicUser;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

export class AuthService {
  constructor(private readonly ctx: AppContext) {}

  async login(
    email: string,
    password: string,
    meta: { ip?: string; userAgent?: string },
  ): Promise<LoginResult> {
    const user = await this.ctx.services.users.findByEmail(email);
    const now = this.ctx.now();
    if (!user) {
      await verifyPassword(await getDummyHash(), password);
      throw unauthorized('Wrong e-mail or password.');
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      throw new Problem(
        423,
        'Locked',
        'Too many failed logins; this account is locked for a while. Try again later.',
        {
          lockedUntil: user.lockedUntil.toISOString(),
        },
      );
    }
    const ok = await verifyPassword(user.passwordHash, password);
    if (!ok) {
      const failures = user.failedLogins + 1;
      const locked = failures >= MAX_FAILED_LOGINS;
      await this.ctx.db
        .update(users)
        .set({
          failedLogins: locked ? 0 : failures,
          lockedUntil: locked ? new Date(now.getTime() + LOCK_MS) : user.lockedUntil,
        })
        .where(eq(users.id, user.id));
      throw unauthorized('Wrong e-mail or password.');
    }
    if (!user.active) throw forbidden('This account is deactivated.');
    await this.ctx.db
      .update(users)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now })
      .where(eq(users.id, user.id));
    const sessionToken = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
    await this.ctx.db.insert(sessions).values({
      id: sha256(sessionToken),
      userId: user.id,
      csrfToken,
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    return { user: toPublicUser(user), sessionToken, csrfToken, expiresAt };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.ctx.db.delete(sessions).where(eq(sessions.id, sha256(sessionToken)));
  }

  async endSessionsOf(tx: DbOrTx, userId: string): Promise<void> {
    await tx.delete(sessions).where(eq(sessions.userId, userId));
  }

  /** The actor behind a session cookie, with its CSRF token; undefined when expired or unknown. */
  async fromSession(sessionToken: string): Promise<{ actor: Actor; csrfToken: string } | undefined> {
    const now = this.ctx.now();
    const [row] = await this.ctx.db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, sha256(sessionToken)), gt(sessions.expiresAt, now)));
    if (!row?.user.active) return undefined;
    // Sliding expiry, written at most once a minute.
    if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
      await this.ctx.db
        .update(sessions)
        .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
        .where(eq(sessions.id, row.session.id));
    }
    return { actor: await this.toActor(row.user, 'session'), csrfToken: row.session.csrfToken };
  }

  async fromBearer(token: string): Promise<Actor | undefined> {
    const now = this.ctx.now();
    const [row] = await this.ctx.db
      .select({ token: apiTokens, user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt)));
    if (!row?.user.active) return undefined;
    if (row.token.expiresAt && row.token.expiresAt <= now) return undefined;
    await this.ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
    return this.toActor(row.user, 'token');
  }

  async toActor(user: User, via: Actor['via']): Promise<Actor> {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      departmentId: user.departmentId,
      customerId: user.customerId,
      // Only a supervisor's rights depend on its team; skip the tree for everyone else (every request).
      teamDepartmentIds:
        user.role === 'supervisor' ? await this.ctx.services.departments.subtreeIds(user.departmentId) : [],
      via,
    };
  }

  /** A system actor for jobs and the CLI. */
  systemActor(): Actor {
    return {
      id: '00000000-0000-0000-0000-000000000000',
      name: 'system',
      email: 'system@liaison.local',
      role: 'admin',
      departmentId: null,
      customerId: null,
      teamDepartmentIds: [],
      via: 'system',
    };
  }

  async createToken(actor: Actor, input: { name: string; expiresAt?: string | null; userId?: string }) {
    const userId = input.userId ?? actor.id;
    if (userId !== actor.id && actor.role !== 'admin')
      throw forbidden('You may create tokens only for yourself.');
    if (actor.role === 'portal') throw forbidden('Portal users cannot create API tokens.');
    if (input.expiresAt && new Date(input.expiresAt) <= this.ctx.now()) {
      throw validationFailed([{ field: 'expiresAt', message: 'must be in the future' }]);
    }
    const token = `lsn_${randomToken()}`;
    const id = uuidv7();
    const [row] = await this.ctx.db
      .insert(apiTokens)
      .values({
        id,
        userId,
        name: input.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      })
      .returning();
    await this.ctx.services.audit.record(this.ctx.db, actor, {
      action: 'create',
      entityType: 'api_token',
      entityId: id,
      after: { name: row.name, userId, prefix: row.prefix },
    });
    return { ...presentToken(row), token };
  }

  async listTokens(actor: Actor) {
    const rows = await this.ctx.db
      .select()
      .from(apiTokens)
      .where(actor.role === 'admin' ? undefined : eq(apiTokens.userId, actor.id))
      .orderBy(desc(apiTokens.createdAt));
    return rows.map(presentToken);
  }

  async revokeToken(actor: Actor, id: string) {
    const [row] = await this.ctx.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    if (!row || (row.userId !== actor.id && actor.role !== 'admin')) throw notFound('API token');
    const [revoked] = await this.ctx.db
      .update(apiTokens)
      .set({ revokedAt: row.revokedAt ?? this.ctx.now() })
      .where(eq(apiTokens.id, id))
      .returning();
    await this.ctx.services.audit.record(this.ctx.db, actor, {
      action: 'revoke',
      entityType: 'api_token',
      entityId: id,
      before: { revokedAt: row.revokedAt },
      after: { revokedAt: revoked.revokedAt },
    });
    return presentToken(revoked);
  }

  async purgeExpiredSessions(): Promise<void> {
    await this.ctx.db.delete(sessions).where(lt(sessions.expiresAt, this.ctx.now()));
  }
}

function presentToken(row: typeof apiTokens.$inferSelect) {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
