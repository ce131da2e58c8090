import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MilestoneEvent, currentStatus } from '../../src/domain/milestones.ts';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { shipmentDocuments } from '../../src/modules/shipments/tables.ts';
import {
  type CustomerRow,
  type Organisation,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import type { Client, Response, TestApp } from '../support/harness.ts';
import { startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let otherCustomer: CustomerRow;
let portal: Client;
let otherPortal: Client;

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  customer = await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id });
  otherCustomer = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  portal = await portalUser(t, customer.id);
  otherPortal = await portalUser(t, otherCustomer.id);
});
afterAll(async () => {
  await t?.close();
});

// Smallest real files of each kind, by their magic bytes.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

/** A multipart request with the client's session (the JSON client cannot send FormData). */
async function upload(
  client: Client,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; content: Buffer; type?: string },
): Promise<Response> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file)
    form.append(
      'file',
      new Blob([new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.csrfToken) headers['x-csrf-token'] = client.csrfToken;
  const response = await fetch(t.baseUrl + path, { method: 'POST', headers, body: form });
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

async function download(client: Client, path: string) {
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  const response = await fetch(t.baseUrl + path, { headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

async function documentCount(shipmentId: string) {
  return (await t.ctx.db.select().from(shipmentDocuments).where(eq(shipmentDocuments.shipmentId, shipmentId)))
    .length;
}

describe('documents', () => {
  it('stores a PDF with its detected type and hash; lists and downloads it', async () => {
    const s = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    const response = await upload(
      org.agent,
      `/api/shipments/${s.id}/documents`,
      { kind: 'bill_of_lading', portalVisible: 'true' },
      // The client claims an image; the content decides.
      { name: '提单 HBL.pdf', content: PDF, type: 'image/png' },
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      kind: 'bill_of_lading',
      fileName: '提单 HBL.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
      portalVisible: true,
      uploadedById: org.agent.user.id,
    });
    expect(response.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const list = await org.manager.get(`/api/shipments/${s.id}/documents`);
    expect(list.body.items.map((d: any) => d.id)).toEqual([response.body.id]);
    const file = await download(org.manager, `/api/shipments/${s.id}/documents/${response.body.id}/content`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    expect(file.body.equals(PDF)).toBe(true);
    const audit = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, response.body.id), eq(auditLog.entityType, 'shipment_document')));
    expect(audit).toHaveLength(1);
    expect(audit[0].after).not.toHaveProperty('content');
    expect(audit[0].after).toHaveProperty('sha256', response.body.sha256);
  });

  it('refuses a disallowed type with 415 and a file over 10 MB with 413, storing nothing', async () => {
    const s = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    const exe = await upload(
      org.agent,
      `/api/shipments/${s.id}/documents`,
      { kind: 'other' },
      { name: 'scan.pdf', content: EXE },
    );
    expect(exe.status).toBe(415);
    expect(exe.body.title).toBe('Unsupported Media Type');
    const text = await upload(
      org.agent,
      `/api/shipments/${s.id}/documents`,
      {},
      { name: 'a.txt', content: Buffer.from('hello') },
    );
    expect(text.status).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024 + 1 - PNG.length)]);
    const tooBig = await upload(
      org.agent,
      `/api/shipments/${s.id}/documents`,
      { kind: 'photo' },
      { name: 'big.png', content: big },
    );
    expect(tooBig.status).toBe(413);
    const missing = await upload(org.agent, `/api/shipments/${s.id}/documents`, { kind: 'photo' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].field).toBe('file');
    const badKind = await upload(
      org.agent,
      `/api/shipments/${s.id}/documents`,
      { kind: 'selfie' },
      { name: 'a.png', content: PNG },
    );
    expect(badKind.status).toBe(422);
    const json = await org.agent.post(`/api/shipments/${s.id}/documents`, { kind: 'photo' });
    expect(json.status).toBe(415);
    expect(await documentCount(s.id)).toBe(0);
  });

  it('shows portal users only shared documents of their own shipments; only writers upload and delete', async () => {
    const s = await createShipment(t, {
      customerId: customer.id,
      departmentId: org.airExport.id,
      mode: 'air',
    });
    const shared = await upload(
      org.agent,
      `/api/shipments/${s.id}/documents`,
      { kind: 'photo' },
      { name: 'a.png', content: PNG },
    );
    const internal = await upload(
      org.operations,
      `/api/shipments/${s.id}/documents`,
      { kind: 'invoice', portalVisible: 'false' },
      { name: 'inv.pdf', content: PDF },
    );
    expect(internal.status).toBe(201);
    expect(
      (
        await upload(
          org.otherOperations,
          `/api/shipments/${s.id}/documents`,
          {},
          { name: 'a.png', content: PNG },
        )
      ).status,
    ).toBe(403);
    expect(
      (await upload(org.manager, `/api/shipments/${s.id}/documents`, {}, { name: 'a.png', content: PNG }))
        .status,
    ).toBe(403);
    expect(
      (await upload(portal, `/api/shipments/${s.id}/documents`, {}, { name: 'a.png', content: PNG })).status,
    ).toBe(403);
    const portalList = await portal.get(`/api/portal/shipments/${s.id}/documents`);
    expect(portalList.status).toBe(200);
    expect(portalList.body.items.map((d: any) => d.id)).toEqual([shared.body.id]);
    expect(
      (await download(portal, `/api/portal/shipments/${s.id}/documents/${shared.body.id}/content`)).status,
    ).toBe(200);
    expect(
      (await download(portal, `/api/portal/shipments/${s.id}/documents/${internal.body.id}/content`)).status,
    ).toBe(404);
    expect((await otherPortal.get(`/api/portal/shipments/${s.id}/documents`)).status).toBe(404);
    expect(
      (await download(otherPortal, `/api/portal/shipments/${s.id}/documents/${shared.body.id}/content`))
        .status,
    ).toBe(404);
    expect((await org.manager.delete(`/api/shipments/${s.id}/documents/${shared.body.id}`)).status).toBe(403);
    expect((await org.agent.delete(`/api/shipments/${s.id}/documents/${shared.body.id}`)).status).toBe(204);
    expect((await org.agent.delete(`/api/shipments/${s.id}/documents/${shared.body.id}`)).status).toBe(404);
    expect(await documentCount(s.id)).toBe(1);
  });
});

describe('POD', () => {
  it('records signer, time and file as a pod document; operations of the department, not others', async () => {
    const s = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    const form = { signer: '王收货', signedAt: '2026-11-20T15:30:00+08:00' };
    const file = { name: 'pod.jpg', content: PNG };
    expect((await upload(org.operations, `/api/shipments/${s.id}/pod`, form, file)).status).toBe(403);
    expect((await upload(org.agent, `/api/shipments/${s.id}/pod`, form, file)).status).toBe(403);
    expect((await upload(org.manager, `/api/shipments/${s.id}/pod`, form, file)).status).toBe(403);
    expect((await upload(otherPortal, `/api/shipments/${s.id}/pod`, form, file)).status).toBe(404);
    const invalid = await upload(
      org.otherOperations,
      `/api/shipments/${s.id}/pod`,
      { signedAt: '2026-11-20 15:30' },
      file,
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: any) => e.field).sort()).toEqual(['signedAt', 'signer']);
    expect((await upload(org.otherOperations, `/api/shipments/${s.id}/pod`, form)).status).toBe(422);
    expect(await documentCount(s.id)).toBe(0);

    const response = await upload(org.otherOperations, `/api/shipments/${s.id}/pod`, form, file);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      podSigner: '王收货',
      podSignedAt: '2026-11-20T07:30:00.000Z',
      podRecordedById: org.otherOperations.user.id,
      version: 2,
    });
    const docs = (await org.agent.get(`/api/shipments/${s.id}/documents`)).body.items;
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ id: response.body.podDocumentId, kind: 'pod', contentType: 'image/png' });
    // The POD proof cannot be deleted on its own.
    expect((await org.agent.delete(`/api/shipments/${s.id}/documents/${docs[0].id}`)).status).toBe(409);
    // The customer sees the signed proof.
    expect((await portal.get(`/api/portal/shipments/${s.id}/documents`)).body.items).toHaveLength(1);
  });

  it('adds an actual DELIVERED milestone (source pod) through tracking', async () => {
    const s = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    const response = await upload(
      org.supervisor,
      `/api/shipments/${s.id}/pod`,
      { signer: 'Hans Müller', signedAt: '2026-11-20T09:00:00+01:00' },
      { name: 'pod.pdf', content: PDF },
    );
    expect(response.status).toBe(201);
    expect(response.body.status).toBe('delivered');
    expect(response.body.deliveredAt).toBe('2026-11-20T08:00:00.000Z');
    const events = await org.agent.get(`/api/shipments/${s.id}/events`);
    expect(events.status).toBe(200);
    expect(events.body.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ eventCode: 'DELIVERED', classifier: 'ACT', source: 'pod' }),
      ]),
    );
  });
});

describe('subscriptions', () => {
  function event(partial: Partial<MilestoneEvent>): MilestoneEvent {
    return {
      id: crypto.randomUUID(),
      shipmentKey: 'x',
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTime: '2026-11-20T08:00:00+08:00',
      location: 'CNSHA',
      source: 'test',
      sourceEventId: crypto.randomUUID(),
      updatedAt: '2026-11-20T08:00:00+08:00',
      ...partial,
    };
  }

  it('subscribes per shipment or for all, changes on a second subscribe, unsubscribes', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    const other = await createShipment(t, { customerId: otherCustomer.id });
    const one = await portal.post('/api/portal/shipment-subscriptions', {
      shipmentId: s.id,
      channels: ['inapp'],
      topics: ['milestones'],
    });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ shipmentId: s.id, shipmentNumber: s.number, channels: ['inapp'] });
    const again = await portal.post('/api/portal/shipment-subscriptions', {
      shipmentId: s.id,
      channels: ['inapp', 'email'],
      topics: ['milestones', 'delivery'],
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(one.body.id);
    const all = await portal.post('/api/portal/shipment-subscriptions', {
      shipmentId: null,
      channels: ['email'],
      topics: ['exceptions', 'delivery'],
    });
    expect(all.status).toBe(201);
    expect(all.body.shipmentId).toBeNull();
    const list = await portal.get('/api/portal/shipment-subscriptions');
    expect(list.body.items).toHaveLength(2);
    expect(
      (
        await portal.post('/api/portal/shipment-subscriptions', {
          shipmentId: other.id,
          channels: ['email'],
          topics: ['delivery'],
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await portal.post('/api/portal/shipment-subscriptions', {
          shipmentId: s.id,
          channels: ['sms'],
          topics: ['delivery'],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await org.agent.post('/api/portal/shipment-subscriptions', {
          shipmentId: null,
          channels: ['email'],
          topics: ['delivery'],
        })
      ).status,
    ).toBe(403);
    expect((await otherPortal.delete(`/api/portal/shipment-subscriptions/${one.body.id}`)).status).toBe(404);
    expect((await portal.delete(`/api/portal/shipment-subscriptions/${all.body.id}`)).status).toBe(204);
    expect((await portal.get('/api/portal/shipment-subscriptions')).body.items.map((x: any) => x.id)).toEqual(
      [one.body.id],
    );
  });

  it('tells an in-app subscriber of each actual milestone once, and not other companies’ users', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    const subscriber = await portalUser(t, customer.id);
    await subscriber.post('/api/portal/shipment-subscriptions', {
      shipmentId: null,
      channels: ['inapp'],
      topics: ['delivery'],
    });
    const watcher = await portalUser(t, customer.id);
    await watcher.post('/api/portal/shipment-subscriptions', {
      shipmentId: s.id,
      channels: ['inapp'],
      topics: ['milestones'],
    });
    const mailer = await portalUser(t, customer.id);
    await mailer.post('/api/portal/shipment-subscriptions', {
      shipmentId: s.id,
      channels: ['email'],
      topics: ['delivery'],
    });
    const events = [event({ eventCode: 'DEPARTED' })];
    const apply = () =>
      t.ctx.db.transaction((tx) =>
        t.ctx.services.shipments.applyStatus(tx, s.id, currentStatus(events), new Date()),
      );
    await apply();
    events.push(event({ eventCode: 'DELIVERED', eventTime: '2026-11-25T08:00:00+01:00', location: 'DEHAM' }));
    await apply();
    await apply();
    const noticesOf = async (client: Client) =>
      (
        await t.ctx.db
          .select({ kind: notifications.kind })
          .from(notifications)
          .where(and(eq(notifications.userId, client.user.id), eq(notifications.refId, s.id)))
      ).map((n) => n.kind);
    expect((await noticesOf(watcher)).sort()).toEqual(['shipment.delivered', 'shipment.milestone']);
    // e-mail subscribers get one queued e-mail per milestone
    const mails = await t.ctx.db
      .select({ recipient: outboundMessages.recipient, topic: outboundMessages.topic })
      .from(outboundMessages)
      .where(and(eq(outboundMessages.refId, s.id), eq(outboundMessages.channel, 'email')));
    expect(mails).toEqual([{ recipient: mailer.user.email, topic: 'shipment.delivered' }]);
    expect(await noticesOf(subscriber)).toEqual(['shipment.delivered']);
    const bell = await watcher.get('/api/notifications');
    expect(bell.body.items.some((n: any) => n.title.includes(s.number))).toBe(true);
  });
});
