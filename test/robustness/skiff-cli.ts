/**
 * `bin/skiff.cjs` for tests: the same entry, run from the TypeScript sources through tsx
 * (`node --import tsx test/robustness/skiff-cli.ts server …`). The crash suite uses it
 * rather than the build in `dist/`: it always runs the code under test, needs no build
 * step, and cannot race another process rebuilding `dist/`. It is still one plain node
 * process (tsx only hooks module loading), so `kill -9` kills the server itself.
 */
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then((code) => { if (typeof code === 'number') process.exitCode = code; });
