import { randomInt } from 'node:crypto';
import { awbCheckDigit, iso6346CheckDigit } from '../../src/domain/identifiers.ts';
import { type CustomerRow, createCustomer, createDepartment } from './factories.ts';
import type { Client, TestApp } from './harness.ts';

/**
 * Shipments for tests, made through the API (POST /api/shipments) so they get their number,
 * references, timeline entry and audit record like real ones.
 *
 *   const shipment = await createShipment(t);                         // as admin, new customer + department
 *   const mine = await createShipment(t, { customerId, departmentId, mode: 'sea' }, t.admin);
 */

export interface ShipmentOverrides {
  customerId?: string;
  contactId?: string | null;
  departmentId?: string;
  mode?: 'air' | 'sea' | 'road' | 'rail' | 'warehouse' | 'distribution' | 'customs';
  orderNo?: string | null;
  houseBl?: string | null;
  masterBl?: string | null;
  bookingRef?: string | null;
  awb?: string | null;
  containers?: string[];
  customerReference?: string | null;
  origin?: string | null;
  destination?: string | null;
  destinationPostcode?: string | null;
  consigneeName?: string | null;
  consigneePhone?: string | null;
  pieces?: number | null;
  weightKg?: number | null;
  volumeM3?: number | null;
  cargoDescription?: string | null;
  specialHandling?: string[];
  promisedAt?: string | null;
}

/** A random container number with a correct ISO 6346 check digit (owner code TST, category U). */
export function validContainerNumber(owner = 'TST'): string {
  const body = `${owner}U${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  return `${body}${iso6346CheckDigit(body)}`;
}

/** A random air waybill number with a correct mod-7 check digit, as 157-12345675. */
export function validAwbNumber(prefix = '157'): string {
  const serial = String(randomInt(0, 10_000_000)).padStart(7, '0');
  return `${prefix}-${serial}${awbCheckDigit(serial)}`;
}

let defaultDepartment: Promise<{ id: string }> | undefined;
let defaultDepartmentApp: TestApp | undefined;

/**
 * Creates a shipment through the API with `client` (default: the admin) and returns its JSON.
 * Without customerId a customer owned by the admin is created; without departmentId one
 * department per test app is created and reused. Throws with the response when it is not 201.
 */
export async function createShipment(
  t: TestApp,
  overrides: ShipmentOverrides = {},
  client: Client = t.admin,
): Promise<any> {
  let customerId = overrides.customerId;
  if (!customerId) {
    const customer: CustomerRow = await createCustomer(t, { ownerId: t.admin.user.id });
    customerId = customer.id;
  }
  let departmentId = overrides.departmentId;
  if (!departmentId) {
    if (defaultDepartmentApp !== t || !defaultDepartment) {
      defaultDepartmentApp = t;
      defaultDepartment = createDepartment(t, { name: '海运出口部' });
    }
    departmentId = (await defaultDepartment).id;
  }
  const mode = overrides.mode ?? 'sea';
  const body = {
    mode,
    origin: 'CNSHA',
    destination: 'DEHAM',
    houseBl: `HBL${randomInt(0, 1_000_000_000)}`,
    ...(mode === 'air' ? { awb: validAwbNumber(), origin: 'CNPVG', destination: 'DEFRA' } : {}),
    ...(mode === 'sea' ? { containers: [validContainerNumber()] } : {}),
    destinationPostcode: '20095',
    consigneeName: '汉堡收货人',
    consigneePhone: '+49 40 1234 5678',
    pieces: 10,
    weightKg: 1234.5,
    volumeM3: 12.3,
    cargoDescription: '电子元件',
    ...overrides,
    customerId,
    departmentId,
  };
  const response = await client.post('/api/shipments', body);
  if (response.status !== 201) {
    throw new Error(`create shipment failed (${response.status}): ${JSON.stringify(response.body)}`);
  }
  return response.body;
}
