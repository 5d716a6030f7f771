import { oneLine } from '../../client/backend-error'
import { CliError, EXIT, type CliCommand, type CommandContext } from '../args'
import { withCliConsole, type CliConsole, type CliNeeds } from './cli-session'

/** What a command that asks the console and prints one answer declares (see consoleCommand). */
export interface ConsoleCommandSpec<I, T> {
  readonly name: string
  readonly summary: string
  readonly usage: string
  readonly options?: CliCommand['options']
  /** What the command needs of the active environment (default `data`). */
  readonly needs?: CliNeeds
  /** Checks the arguments and turns them into the command's input (CliError on misuse). */
  parse(context: CommandContext): I
  /** Asks the console through its dispatch, by method name. */
  ask(api: CliConsole, input: I): Promise<T>
  /** The answer as text. */
  text(answer: T): string
  /** The answer as `--json` prints it, when that is not the answer itself. */
  json?(answer: T): unknown
}

/**
 * A command that validates its arguments, asks the console (ConsoleService.invoke, as every
 * transport does) and prints the answer as text or JSON. Streaming commands (tail, run, serve)
 * are written out; the others are declared with this.
 */
export function consoleCommand<I, T>(spec: ConsoleCommandSpec<I, T>): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    options: spec.options,
    async run(context) {
      const input = spec.parse(context)
      const answer = await withCliConsole(context.global, (api) => spec.ask(api, input), spec.needs)
      context.print(spec.json ? spec.json(answer) : answer, () => spec.text(answer))
      return EXIT.ok
    }
  }
}

/** The `parse` of a command without arguments: any positional is a usage error. */
export function noArguments(name: string, hint = ''): (context: CommandContext) => void {
  return ({ positionals }) => {
    if (positionals.length > 0)
      throw new CliError(
        `${name} takes no arguments (got "${oneLine(positionals[0] ?? '', 40)}")${hint}`
      )
  }
}
