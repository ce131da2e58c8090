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
