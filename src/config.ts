import { resolve } from 'node:path';

/** Runtime configuration, read once from the environment with safe defaults. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  displayTimeZone: string;
  logLevel: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  smtpUrl: string | undefined;
  /** Secure cookies only when served behind TLS. */
  secureCookies: boolean;
  /** Where customers reach this server (links in emails, e.g. survey token links); else the request's origin. */
  publicUrl: string | undefined;
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
    adminEmail: env.LIAISON_ADMIN_EMAIL || undefined,
    adminPassword: env.LIAISON_ADMIN_PASSWORD || undefined,
    demo: env.LIAISON_DEMO !== '0',
    smtpUrl: env.SMTP_URL || undefined,
    secureCookies: env.COOKIE_SECURE === '1',
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || undefined,
  };
}
