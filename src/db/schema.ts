// Every module's tables, gathered for drizzle-kit and the typed database handle.
export * from '../modules/departments/tables.ts';
export * from '../modules/users/tables.ts';
export * from '../modules/auth/tables.ts';
export * from '../modules/customers/tables.ts';
export * from '../modules/interactions/tables.ts';
export * from '../modules/followups/tables.ts';
export * from '../modules/audit/tables.ts';
export * from '../modules/timeline/tables.ts';
export * from '../modules/settings/tables.ts';
export * from '../modules/idempotency/tables.ts';
export * from '../modules/notifications/tables.ts';
export * from '../modules/tickets/tables.ts';
export * from '../modules/workorders/tables.ts';
export * from '../modules/sla/tables.ts';
export * from '../modules/knowledge/tables.ts';
export * from '../modules/commitments/tables.ts';
