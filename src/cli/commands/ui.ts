import type { Command } from 'commander';
import { startUi } from '../../index.js';
import { CliError } from '../errors.js';
import { print } from '../output.js';

export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('serve the web UI: runs, comparisons, plots, traces and feedback (this machine only unless --host says otherwise)')
    .option('--port <port>', 'the port to listen on (0 picks a free one)', '5000')
    .option('--host <host>', 'the interface to bind to', '127.0.0.1')
    .action(async (flags: { port: string; host: string }) => {
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65_535) throw new CliError(`Invalid --port "${flags.port}": expected a whole number from 0 to 65535.`);
      const server = await startUi({ port, host: flags.host });
      print(`evalflow ui: ${server.url}`);
      print(`store: ${server.trackingUri}`);
      if (!['127.0.0.1', 'localhost', '::1'].includes(flags.host)) {
        process.stderr.write(
          `evalflow: warning: listening on ${flags.host}: the UI has no login; anyone who can reach this port can read your runs and traces and log feedback.\n`,
        );
      }
      print('Press Ctrl+C to stop.');
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        const stop = (received: NodeJS.Signals): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(received);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      print(`stopped (${signal})`);
    });
}
