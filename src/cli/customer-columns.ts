// The spreadsheet columns moved to the customers module (the API exports them too); kept here so
// existing imports keep working.
export * from '../modules/customers/columns.ts';
