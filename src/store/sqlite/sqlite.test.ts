import { storeContractTests } from '../contract.js';
import { openTempStore } from './testing/temp-store.js';

storeContractTests('sqlite', () => openTempStore());
