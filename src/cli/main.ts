/**
 * The `skiff` command: parses flags and calls the components' start functions. No
 * component logic lives here.
 */
import { AGENT_USAGE, runAgent } from './agent.js';
import { CONTROLLER_MANAGER_USAGE, runControllerManager } from './controller-manager.js';
import { runServer, SERVER_USAGE } from './server.js';
import { RUNTIME_USAGE, runRuntime } from './runtime.js';
import { runSim, SIM_USAGE } from './sim.js';
import { LOGS_USAGE, runLogs } from './logs.js';

const USAGE = `Usage: skiff <command> [flags]

Commands:
  server    Run a cluster: API server over SQLite (default) or etcd
  agent     Join a cluster as a node that runs pods (--server URL --token TOKEN)
  runtime   Serve the process runtime on a unix socket (what --keep-pods starts)
  sim       Register simulated nodes with a cluster and keep them alive
  controller-manager
            Run the controllers alone against a cluster (leader-elected)
  logs      Follow the logs of every pod matching a pattern (the stern workflow)
  version   Print the version

Run 'skiff <command> --help' for a command's flags.
`;

export class UsageError extends Error {}

export async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'server':
        if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(SERVER_USAGE); return 0; }
        return await runServer(rest);
      case 'agent':
        if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(AGENT_USAGE); return 0; }
        return await runAgent(rest);
      case 'runtime':
        if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(RUNTIME_USAGE); return 0; }
        return await runRuntime(rest);
      case 'sim':
        if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(SIM_USAGE); return 0; }
        return await runSim(rest);
      case 'controller-manager':
        if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(CONTROLLER_MANAGER_USAGE); return 0; }
        return await runControllerManager(rest);
      case 'logs':
        if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(LOGS_USAGE); return 0; }
        return await runLogs(rest);
      case 'version':
      case '--version':
        process.stdout.write('skiff v0.1.0 (Kubernetes v1.33 API)\n');
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    }
  } catch (err) {
    process.stderr.write(`skiff: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
