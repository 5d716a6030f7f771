// The `controldeck` CLI entry (bundled to out/node/controldeck.js, started by bin/controldeck.mjs).
import { runCli, type CliCommand } from './args'
import { serveCommand } from './commands/serve'
import { runCommand } from './commands/run'
import { reflexCommand } from './commands/reflex'
import { budgetCommand } from './commands/budget'
import { tailCommand } from './commands/tail'
import { envsCommand } from './commands/envs'
import { useCommand } from './commands/use'
import { traceCommand } from './commands/trace'
import { auditCommand } from './commands/audit'

/** The command table. A new command is one module under ./commands and one line here. */
export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  runCommand,
  reflexCommand,
  budgetCommand,
  tailCommand,
  envsCommand,
  useCommand,
  traceCommand,
  auditCommand
]

process.exitCode = await runCli(COMMANDS, process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env
})
