import { storeContractTests } from '../contract.js';
import { openTempStore } from './testing/temp-store.js';

// The contract runs on the inline writer (no thread start-up per case); the worker
// transport and SQLite specifics are covered in sqlite-*.test.ts.
storeContractTests('sqlite (inline writer)', () => openTempStore({ writer: 'inline' }));
