export type { DbConfig } from './create-db';
export { createDb } from './create-db';
export type { DatabaseErrorInfo } from './errors';
export { databaseError } from './errors';
export type { Db, DbDriver, DbHandle, Schema } from './handle';
export type { MigrateOptions } from './migrate';
export { migrate, pendingMigrations } from './migrate';
export * from './schema';
