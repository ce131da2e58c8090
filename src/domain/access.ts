import type { Role } from '../modules/users/tables.ts';

/** Who is making a request, as the services see it. */
export interface Actor {
  id: string;
  name: string;
  email: string;
  role: Role;
  departmentId: string | null;
  /** Portal users only: the one customer they belong to. */
  customerId: string | null;
  /** Supervisors: their department and every department below it (their team). Empty for other roles. */
  teamDepartmentIds: string[];
  via: 'session' | 'token' | 'system';
}

export interface CustomerScope {
  id: string;
  ownerId: string;
  teamId: string | null;
}

export const STAFF_ROLES: readonly Role[] = ['agent', 'supervisor', 'operations', 'manager', 'admin'];

export function isStaff(actor: Actor): boolean {
  return STAFF_ROLES.includes(actor.role);
}

/** One file per customer shared by every department: all staff read it; a portal user only its own. */
export function canReadCustomer(actor: Actor, customer: CustomerScope): boolean {
  if (actor.role === 'portal') return actor.customerId === customer.id;
  return isStaff(actor);
}

/** Agents edit what they own, supervisors their team's, admins everything; managers only read. */
export function canEditCustomer(actor: Actor, customer: CustomerScope): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'supervisor':
      return (
        customer.ownerId === actor.id ||
        (customer.teamId !== null && actor.teamDepartmentIds.includes(customer.teamId))
      );
    case 'agent':
      return customer.ownerId === actor.id;
    default:
      return false;
  }
}

/** Who may open new customer files. */
export function canCreateCustomer(actor: Actor): boolean {
  return actor.role === 'agent' || actor.role === 'supervisor' || actor.role === 'admin';
}

/** Ownership moves by supervisors (within their team) and admins. */
export function canTransferOwnership(actor: Actor, customer: CustomerScope): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'supervisor') return canEditCustomer(actor, customer);
  return false;
}

/** Who may be made the owner of a customer file. */
export function canOwnCustomers(role: Role): boolean {
  return role === 'agent' || role === 'supervisor' || role === 'admin';
}

export function isAdmin(actor: Actor): boolean {
  return actor.role === 'admin';
}

/** Managers and admins read everything (reports, audit is admin-only). */
export function canReadAll(actor: Actor): boolean {
  return actor.role === 'manager' || actor.role === 'admin';
}
