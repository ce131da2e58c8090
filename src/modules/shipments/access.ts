import type { Actor } from '../../domain/access.ts';

/** Agents, supervisors and admins create and edit shipments; operations users their department's; managers read. */
export function canWrite(actor: Actor, departmentId: string): boolean {
  switch (actor.role) {
    case 'admin':
    case 'supervisor':
    case 'agent':
      return true;
    case 'operations':
      return actor.departmentId !== null && actor.departmentId === departmentId;
    default:
      return false;
  }
}

/** POD is recorded by operations of the shipment's department, supervisors and admins. */
export function canRecordPod(actor: Actor, departmentId: string): boolean {
  if (actor.role === 'admin' || actor.role === 'supervisor') return true;
  return actor.role === 'operations' && actor.departmentId === departmentId;
}

export const WRITE_DENIED =
  'Agents, supervisors and admins change shipments; operations users only their own department’s.';
