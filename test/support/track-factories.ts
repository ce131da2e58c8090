import { randomInt } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { shipmentExceptions } from '../../src/modules/exceptions/tables.ts';
import { shipments } from '../../src/modules/shipments/tables.ts';
import { trackingEvents } from '../../src/modules/tracking/tables.ts';
import { createCustomer, createDepartment } from './factories.ts';
import type { TestApp } from './harness.ts';

/**
 * Shipments with milestones and exceptions for the public tracking and portal tests, written straight
 * to the database (like factories.ts: no validation, audit or timeline) so these tests do not depend on
 * the shipments and ingestion endpoints.
 */

export type ShipmentRow = typeof shipments.$inferSelect;

export interface TrackedShipmentOptions {
  customerId?: string;
  departmentId?: string;
  number?: string;
  shipment?: Partial<typeof shipments.$inferInsert>;
  /** Events in the internal model; times are ISO 8601 with offset. */
  events?: {
    eventCode: string;
    classifier: 'PLN' | 'EST' | 'ACT';
    eventTime: string;
    location?: string | null;
    locationName?: string | null;
    retracted?: boolean;
    raw?: unknown;
  }[];
  exceptions?: { kind: string; raisedAt: string; status?: 'open' | 'acknowledged' | 'resolved' }[];
}

export function trackingNumber(): string {
  return `LS2611${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

export async function createTrackedShipment(
  t: TestApp,
  options: TrackedShipmentOptions = {},
): Promise<ShipmentRow> {
  const ownerId = t.admin.user.id as string;
  const customerId =
    options.customerId ??
    (await createCustomer(t, { ownerId, name: `上海远洋贸易有限公司 ${randomInt(1e6)}` })).id;
  const departmentId = options.departmentId ?? (await createDepartment(t, { name: '海运出口部' })).id;
  const [shipment] = await t.ctx.db
    .insert(shipments)
    .values({
      id: uuidv7(),
      number: options.number ?? trackingNumber(),
      customerId,
      departmentId,
      mode: 'sea',
      orderNo: 'PO-2026-0815',
      houseBl: 'SHAHAM2611001',
      containers: ['MSKU1234565'],
      origin: 'CNSHA',
      destination: 'DEHAM',
      destinationPostcode: '20457',
      consigneeName: 'Hamburg Import GmbH',
      consigneePhone: '+49 40 1234 5678',
      pieces: 120,
      weightKg: '18250.500',
      volumeM3: '58.200',
      cargoDescription: '精密轴承',
      promisedAt: new Date('2026-12-20T10:00:00Z'),
      ...options.shipment,
    })
    .returning();
  let n = 0;
  for (const e of options.events ?? []) {
    n += 1;
    await t.ctx.db.insert(trackingEvents).values({
      id: uuidv7(),
      shipmentId: shipment!.id,
      customerId,
      eventCode: e.eventCode,
      classifier: e.classifier,
      eventTime: new Date(e.eventTime),
      eventTimeText: e.eventTime,
      location: e.location ?? null,
      locationName: e.locationName ?? null,
      source: 'dcsa:TEST',
      sourceEventId: `${shipment!.number}-${n}`,
      sourceUpdatedAt: new Date(e.eventTime),
      sourceUpdatedText: e.eventTime,
      retracted: e.retracted ?? false,
      raw: (e.raw ?? { eventID: `${shipment!.number}-${n}`, internal: 'carrier payload' }) as never,
    });
  }
  for (const x of options.exceptions ?? []) {
    await t.ctx.db.insert(shipmentExceptions).values({
      id: uuidv7(),
      shipmentId: shipment!.id,
      customerId,
      kind: x.kind as never,
      status: x.status ?? 'open',
      detail: { promisedAt: '2026-12-20T10:00:00Z', note: 'internal detail' },
      raisedAt: new Date(x.raisedAt),
    });
  }
  return shipment!;
}
