import { randomUUID } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { ReferenceKind } from '../../src/modules/shipments/tables.ts';
import { shipmentReferences, shipments } from '../../src/modules/shipments/tables.ts';
import type { TestApp } from './harness.ts';

export type ShipmentRow = typeof shipments.$inferSelect;

/**
 * A shipment straight in the database with its searchable references (upper-cased, no spaces, as
 * shipment_references stores them), for tracking tests that must not depend on the shipments API.
 */
export async function createShipment(
  t: Pick<TestApp, 'ctx'>,
  options: Partial<typeof shipments.$inferInsert> & {
    customerId: string;
    departmentId: string;
    references?: { kind: ReferenceKind; value: string }[];
  },
): Promise<ShipmentRow> {
  const { references = [], ...values } = options;
  const number = values.number ?? `LS2611${randomUUID().replace(/\D/g, '').slice(0, 6).padEnd(6, '0')}`;
  const id = values.id ?? uuidv7();
  const [row] = await t.ctx.db
    .insert(shipments)
    .values({ mode: 'sea', ...values, id, number })
    .returning();
  const refs = [{ kind: 'number' as ReferenceKind, value: number }, ...references];
  await t.ctx.db
    .insert(shipmentReferences)
    .values(
      refs.map((r) => ({
        shipmentId: id,
        kind: r.kind,
        value: (r.kind === 'container' || r.kind === 'awb'
          ? r.value.replace(/[\s\-./]/g, '')
          : r.value.replace(/\s+/g, '')
        ).toUpperCase(),
      })),
    )
    .onConflictDoNothing();
  return row;
}

let counter = 0;
/** An internal-format event; override what the test is about. */
export function trackingEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    eventCode: 'DEPARTED',
    classifier: 'ACT',
    eventTime: '2026-03-14T09:30:00+08:00',
    location: 'CNSHA',
    source: 'test:feed',
    sourceEventId: `ev-${counter}-${randomUUID().slice(0, 8)}`,
    updatedAt: '2026-03-14T09:35:00+08:00',
    ...overrides,
  };
}
