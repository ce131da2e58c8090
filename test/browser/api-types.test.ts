import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.ts';

/**
 * The web app's typed client is generated from the OpenAPI document (`npm run gen:api`); this
 * fails when a route changed and the committed document (and so web/src/api/schema.d.ts) did not.
 */
describe('web API types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('were generated from the current OpenAPI document', async () => {
    const served = await t.anonymous().get('/api/openapi.json');
    expect(served.status).toBe(200);
    const committed = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../web/src/api/openapi.json', import.meta.url)), 'utf8'),
    );
    expect(Object.keys(served.body.paths).length).toBeGreaterThan(30);
    expect(committed, 'the API changed: run `npm run gen:api` and commit web/src/api').toEqual(served.body);
  });
});
