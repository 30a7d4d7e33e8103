/** Typed shapes of the API objects components handle; see each file. */
export type * from './core.js';
export type * from './apps.js';
export type * from './batch.js';
export type * from './policy.js';
export type * from './storage.js';
export type * from './networking.js';
