/** Process entry: `bin/skiff.cjs` runs its bundled form (dist/skiff.cjs); tests may run this file through tsx. */
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => {
  if (typeof code === 'number') process.exitCode = code;
});
