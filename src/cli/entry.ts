/** Process entry: `bin/skiff.js` loads the compiled form; tests may run this file through tsx. */
import { main } from './main.js';

const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
