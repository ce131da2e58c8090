import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import type { Role } from '../../src/modules/users/tables.ts';
import { buildApp } from '../../src/server/app.ts';
import type { AppContext } from '../../src/server/context.ts';
import { closeContext, createContext } from '../../src/server/runtime.ts';

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A logged-in (or anonymous) HTTP client speaking to the real server over the loopback. */
export class Client {
  cookie: string | undefined;
  csrfToken: string | undefined;
  bearer: string | undefined;
  user: any;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response<T>> {
    const all: Record<string, string> = { ...headers };
    if (body !== undefined && typeof body !== 'string') all['content-type'] = 'application/json';
    if (typeof body === 'string' && !all['content-type']) all['content-type'] = 'application/json';
    if (this.cookie) all.cookie = this.cookie;
    if (this.bearer) all.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in headers)) {
      all['x-csrf-token'] = this.csrfToken;
    }
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie?.startsWith('liaison_session=')) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (CSV, metrics)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body ?? {}, headers);
  }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body ?? {}, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  async login(email: string, password: string): Promise<Response> {
    const response = await this.post('/api/auth/login', { email, password });
    if (response.status === 200) {
      this.csrfToken = response.body.csrfToken;
      this.user = response.body.user;
    }
    return response;
  }
}

export interface TestApp {
  ctx: AppContext;
  app: FastifyInstance;
  baseUrl: string;
  driver: 'pglite' | 'postgres';
  admin: Client;
  anonymous(): Client;
  /** Creates a user through the API as admin and returns a client logged in as that user. */
  userClient(
    role: Role,
    options?: { departmentId?: string | null; customerId?: string | null; name?: string },
  ): Promise<Client>;
  close(): Promise<void>;
}

export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'admin-password-1';
export const USER_PASSWORD = 'user-password-1';

async function createDatabase(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  if (process.env.LIAISON_TEST_DB !== 'postgres') return { url: undefined, drop: async () => {} };
  const serverUrl = inject('databaseUrl');
  const name = `liaison_test_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function startTestApp(options: { now?: () => Date; jobs?: boolean } = {}): Promise<TestApp> {
  const database = await createDatabase();
  const ctx = await createContext({
    config: {
      databaseUrl: database.url,
      dataDir: 'memory://',
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
      adminEmail: ADMIN_EMAIL,
      adminPassword: ADMIN_PASSWORD,
      demo: false,
    },
    jobs: options.jobs ?? false,
    now: options.now,
  });
  await ctx.services.users.insert(null, {
    email: ADMIN_EMAIL,
    name: 'Admin',
    password: ADMIN_PASSWORD,
    role: 'admin',
  });
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const admin = new Client(baseUrl);
  const login = await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  let counter = 0;
  return {
    ctx,
    app,
    baseUrl,
    driver: ctx.database.kind,
    admin,
    anonymous: () => new Client(baseUrl),
    async userClient(role, userOptions = {}) {
      counter += 1;
      const email = `${role}${counter}-${randomUUID().slice(0, 8)}@test.local`;
      const created = await admin.post('/api/users', {
        email,
        name: userOptions.name ?? `${role} ${counter}`,
        password: USER_PASSWORD,
        role,
        departmentId: userOptions.departmentId ?? null,
        customerId: userOptions.customerId ?? null,
      });
      if (created.status !== 201) throw new Error(`create user failed: ${JSON.stringify(created.body)}`);
      const client = new Client(baseUrl);
      const login = await client.login(email, USER_PASSWORD);
      if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
      return client;
    },
    async close() {
      await app.close();
      await closeContext(ctx);
      await database.drop();
    },
  };
}
