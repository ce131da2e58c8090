import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestApp, startTestApp } from '../support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('operations endpoints', () => {
  it('reports health with the database driver', async () => {
    const response = await t.anonymous().get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', db: t.driver });
  });

  it('serves an OpenAPI 3 document listing the endpoints with schemas', async () => {
    const response = await t.anonymous().get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(response.body.paths['/api/auth/login'].post.requestBody).toBeDefined();
    expect(response.body.paths['/api/users'].post.responses['201']).toBeDefined();
  });

  it('serves Prometheus metrics', async () => {
    await t.anonymous().get('/api/health');
    const response = await t.anonymous().get('/metrics');
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain(
      'liaison_http_requests_total{method="GET",route="/api/health",status="200"}',
    );
  });
});

describe('login, sessions and CSRF', () => {
  it('sets an HttpOnly cookie and returns a CSRF token', async () => {
    const client = t.anonymous();
    const response = await client.post('/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(response.status).toBe(200);
    expect(response.body.csrfToken).toEqual(expect.any(String));
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(response.body.user).not.toHaveProperty('passwordHash');
  });

  it('answers /me for a session and 401 without one', async () => {
    expect((await t.admin.get('/api/auth/me')).body.user.email).toBe(ADMIN_EMAIL);
    const anonymous = await t.anonymous().get('/api/auth/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses an unsafe cookie request without the CSRF header', async () => {
    const response = await t.admin.post(
      '/api/departments',
      { code: 'X1', name: 'x' },
      { 'x-csrf-token': 'wrong' },
    );
    expect(response.status).toBe(403);
    const list = await t.admin.get('/api/departments');
    expect(list.body.items.find((d: any) => d.code === 'X1')).toBeUndefined();
  });

  it('logs out: the cookie stops working', async () => {
    const client = t.anonymous();
    await client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('locks an account after repeated failures', async () => {
    const victim = await t.userClient('agent');
    const email = victim.user.email;
    const attacker = t.anonymous();
    for (let i = 0; i < 5; i++) {
      expect((await attacker.post('/api/auth/login', { email, password: 'wrong-password' })).status).toBe(
        401,
      );
    }
    const locked = await attacker.post('/api/auth/login', { email, password: 'user-password-1' });
    expect(locked.status).toBe(423);
  });

  it('rejects bad login input with problem JSON', async () => {
    const client = t.anonymous();
    const wrongType = await client.post('/api/auth/login', { email: 5, password: 'x' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].field).toBe('email');
    expect((await client.request('POST', '/api/auth/login', '{not json')).status).toBe(400);
    expect((await client.post('/api/auth/login', { email: 'a@b.c', password: 'x', extra: 1 })).status).toBe(
      400,
    );
  });
});

describe('API tokens', () => {
  it('creates a bearer token that needs no CSRF and stops working when revoked', async () => {
    const created = await t.admin.post('/api/auth/tokens', { name: 'ERP integration' });
    expect(created.status).toBe(201);
    const integration = t.anonymous();
    integration.bearer = created.body.token;
    expect((await integration.get('/api/auth/me')).status).toBe(200);
    const write = await integration.post('/api/departments', { code: 'TOKEN1', name: '令牌部门' });
    expect(write.status).toBe(201);
    expect((await t.admin.delete(`/api/auth/tokens/${created.body.id}`)).status).toBe(200);
    expect((await integration.get('/api/auth/me')).status).toBe(401);
  });
});

describe('users and departments', () => {
  it('lets only admins create users and departments', async () => {
    const agent = await t.userClient('agent');
    expect((await agent.post('/api/departments', { code: 'NOPE', name: 'x' })).status).toBe(403);
    expect(
      (await agent.post('/api/users', { email: 'x@y.z', name: 'x', password: 'password-1', role: 'admin' }))
        .status,
    ).toBe(403);
  });

  it('builds a department hierarchy with a head and refuses cycles', async () => {
    const head = await t.userClient('supervisor');
    const parent = await t.admin.post('/api/departments', {
      code: 'CS',
      name: '客服中心',
      headUserId: head.user.id,
    });
    expect(parent.status).toBe(201);
    const child = await t.admin.post('/api/departments', {
      code: 'CS-A',
      name: '客服一组',
      parentId: parent.body.id,
    });
    expect(child.status).toBe(201);
    const cycle = await t.admin.patch(`/api/departments/${parent.body.id}`, { parentId: child.body.id });
    expect(cycle.status).toBe(422);
  });

  it('requires customerId for portal users and rejects duplicates', async () => {
    const portal = await t.admin.post('/api/users', {
      email: 'p@x.cn',
      name: 'P',
      password: 'password-1',
      role: 'portal',
    });
    expect(portal.status).toBe(422);
    expect(portal.body.errors[0].field).toBe('customerId');
    const first = await t.admin.post('/api/users', {
      email: 'dup@x.cn',
      name: 'D',
      password: 'password-1',
      role: 'agent',
    });
    expect(first.status).toBe(201);
    const again = await t.admin.post('/api/users', {
      email: 'DUP@x.cn',
      name: 'D',
      password: 'password-1',
      role: 'agent',
    });
    expect(again.status).toBe(409);
  });

  it('updates with a row version and refuses a stale one', async () => {
    const created = await t.admin.post('/api/users', {
      email: 'v@x.cn',
      name: 'V',
      password: 'password-1',
      role: 'agent',
    });
    const id = created.body.id;
    expect((await t.admin.patch(`/api/users/${id}`, { name: 'V2' })).status).toBe(428);
    const ok = await t.admin.patch(`/api/users/${id}`, { name: 'V2' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    const stale = await t.admin.patch(`/api/users/${id}`, { name: 'V3', version: 1 });
    expect(stale.status).toBe(409);
    expect((await t.admin.get(`/api/users/${id}`)).body.name).toBe('V2');
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for a retried write and refuses a changed one', async () => {
    const body = { code: 'IDEM1', name: '重试部门' };
    const first = await t.admin.post('/api/departments', body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    const retry = await t.admin.post('/api/departments', body, { 'idempotency-key': 'k-1' });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const list = await t.admin.get('/api/departments');
    expect(list.body.items.filter((d: any) => d.code === 'IDEM1')).toHaveLength(1);
    const changed = await t.admin.post(
      '/api/departments',
      { ...body, name: '别的' },
      { 'idempotency-key': 'k-1' },
    );
    expect(changed.status).toBe(422);
  });
});
