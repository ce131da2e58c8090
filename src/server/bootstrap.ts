import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '../modules/users/tables.ts';
import type { AppContext } from './context.ts';

/**
 * Makes sure an administrator exists. LIAISON_ADMIN_EMAIL / LIAISON_ADMIN_PASSWORD name it; without
 * them the first start creates admin@liaison.local with a random password printed once.
 */
export async function ensureFirstAdmin(ctx: AppContext, print: (line: string) => void): Promise<void> {
  const { adminEmail, adminPassword } = ctx.config;
  if (adminEmail) {
    const existing = await ctx.services.users.findByEmail(adminEmail);
    if (existing) return;
    const password = adminPassword ?? randomBytes(12).toString('base64url');
    await ctx.services.users.insert(null, {
      email: adminEmail,
      name: 'Administrator',
      password,
      role: 'admin',
    });
    if (!adminPassword) print(`Created administrator ${adminEmail} with password: ${password}`);
    else print(`Created administrator ${adminEmail}.`);
    return;
  }
  const [admin] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).limit(1);
  if (admin) return;
  const password = adminPassword ?? randomBytes(12).toString('base64url');
  await ctx.services.users.insert(null, {
    email: 'admin@liaison.local',
    name: '系统管理员',
    password,
    role: 'admin',
  });
  print('');
  print('  Liaison created the first administrator (shown only this once):');
  print('    e-mail:   admin@liaison.local');
  print(`    password: ${password}`);
  print('');
}
