import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Runtime configuration, read once from the environment with safe defaults. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  displayTimeZone: string;
  logLevel: string;
  sessionSecret: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  smtpUrl: string | undefined;
  /** Secure cookies only when served behind TLS. */
  secureCookies: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    displayTimeZone: env.TZ_DISPLAY ?? 'Asia/Shanghai',
    logLevel: env.LOG_LEVEL ?? 'info',
    sessionSecret: env.SESSION_SECRET ?? '',
    adminEmail: env.LIAISON_ADMIN_EMAIL || undefined,
    adminPassword: env.LIAISON_ADMIN_PASSWORD || undefined,
    demo: env.LIAISON_DEMO !== '0',
    smtpUrl: env.SMTP_URL || undefined,
    secureCookies: env.COOKIE_SECURE === '1',
  };
}

/** SESSION_SECRET, or one generated once and kept in the data directory. */
export function ensureSessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
