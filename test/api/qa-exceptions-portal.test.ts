import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CustomerRow,
  type Organisation,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import type { Client, TestApp } from '../support/harness.ts';
import { startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

/**
 * QA of issue 4 §7: a portal user reaches nothing internal, through the portal routes or the staff
 * ones; another company's shipment is 404 everywhere; exception routes are staff-only.
 */

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let other: CustomerRow;
let portal: Client;
let otherPortal: Client;

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function upload(client: Client, path: string, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'inv.pdf');
  const r = await fetch(`${t.baseUrl}${path}`, {
    method: 'POST',
    headers: { cookie: client.cookie!, 'x-csrf-token': client.csrfToken! },
    body: form,
  });
  return { status: r.status, body: (await r.json()) as { id: string } };
}

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  customer = await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id });
  other = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  portal = await portalUser(t, customer.id);
  otherPortal = await portalUser(t, other.id);
});
afterAll(async () => {
  await t?.close();
});

describe('QA portal access to shipments', () => {
  it('no internal document, raw payload or exception route for portal users; other companies 404', async () => {
    const s = await createShipment(t, {
      customerId: customer.id,
      departmentId: org.airExport.id,
      mode: 'air',
      consigneePhone: '+49 40 1234 5678',
    });
    const internal = await upload(org.operations, `/api/shipments/${s.id}/documents`, {
      kind: 'invoice',
      portalVisible: 'false',
    });
    expect(internal.status).toBe(201);
    const event = await org.operations.post(`/api/shipments/${s.id}/events`, {
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTime: '2026-11-20T09:00:00+08:00',
      location: 'CNPVG',
    });
    expect(event.status).toBe(201);

    // Staff routes used by a portal user: only what the portal shows.
    for (const path of [`/api/shipments/${s.id}/documents`, `/api/portal/shipments/${s.id}/documents`]) {
      const r = await portal.get(path);
      expect(r.status).toBe(200);
      expect(r.body.items).toEqual([]);
    }
    for (const path of [
      `/api/shipments/${s.id}/documents/${internal.body.id}/content`,
      `/api/portal/shipments/${s.id}/documents/${internal.body.id}/content`,
    ]) {
      expect((await portal.get(path)).status).toBe(404);
    }
    for (const path of [`/api/shipments/${s.id}`, `/api/portal/shipments/${s.id}`]) {
      const r = await portal.get(path);
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain('1234 5678');
    }
    for (const path of [`/api/shipments/${s.id}/events`, `/api/portal/shipments/${s.id}/events`]) {
      const r = await portal.get(path);
      expect(r.status).toBe(200);
      expect(r.body.events).toHaveLength(1);
      for (const e of r.body.events) expect(e).not.toHaveProperty('raw');
    }

    // Another company: 404 on every shipment route, staff or portal.
    for (const path of [
      `/api/shipments/${s.id}`,
      `/api/shipments/${s.id}/events`,
      `/api/shipments/${s.id}/documents`,
      `/api/portal/shipments/${s.id}`,
      `/api/portal/shipments/${s.id}/events`,
      `/api/portal/shipments/${s.id}/documents`,
      `/api/customers/${customer.id}/timeline`,
    ]) {
      expect((await otherPortal.get(path)).status, path).toBe(404);
    }
    expect(
      (
        await otherPortal.post('/api/portal/shipment-subscriptions', {
          shipmentId: s.id,
          channels: ['inapp'],
          topics: ['exceptions'],
        })
      ).status,
    ).toBe(404);

    // Exceptions are staff-only.
    const raised = await t.admin.post('/api/tracking-events', {
      events: [
        {
          shipmentId: s.id,
          eventCode: 'DAMAGED',
          classifier: 'ACT',
          eventTime: '2026-11-21T09:00:00+08:00',
          location: 'DEFRA',
          source: 'test',
          sourceEventId: `qa-${s.id}`,
        },
      ],
    });
    expect(raised.status).toBe(200);
    const [exception] = (await t.admin.get(`/api/shipment-exceptions?shipmentId=${s.id}`)).body.items;
    expect(exception.kind).toBe('damaged');
    expect((await portal.get('/api/shipment-exceptions')).status).toBe(403);
    expect((await portal.get(`/api/shipment-exceptions/${exception.id}`)).status).toBe(404);
    expect((await portal.post(`/api/shipment-exceptions/${exception.id}/ticket`, {})).status).toBe(404);
    expect((await portal.post(`/api/shipment-exceptions/${exception.id}/acknowledge`, {})).status).toBe(404);
    expect(
      (await portal.post(`/api/shipment-exceptions/${exception.id}/resolve`, { resolution: 'x' })).status,
    ).toBe(404);
    // The portal's own view says there is an exception, without the internal detail.
    const view = await portal.get(`/api/portal/shipments/${s.id}`);
    expect(view.body.openExceptions).toBe(1);
  });
});
