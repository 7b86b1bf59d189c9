import { CostwiseError } from '@costwise/core';
import { Command, CommanderError } from 'commander';
import { inspectCommand } from './commands/inspect.js';
import { modelsCommand } from './commands/models.js';
import type { CliIo } from './io.js';

export const VERSION = '0.1.0';

/** Exit codes (PRODUCT.md): 0 success, 1 runtime failure, 2 bad usage or bad input. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CostwiseError)
    return error.code === 'INVALID_INPUT' || error.code === 'UNKNOWN_MODEL' ? 2 : 1;
  return 1;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('costwise')
    .description('LLM cost engineering: exact architecture maths, memory, performance, pricing and routing')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(costwise --help lists the commands)');
  program
    .command('models')
    .description('the landscape catalog: open-weight models with exact counts, and closed API models')
    .option('--family <family>', 'dense, moe, slm, ssm, hybrid or closed')
    .option('--json', 'one JSON document on stdout')
    .action((opts: { family?: string; json?: boolean }) => {
      setExit(modelsCommand(opts, io));
    });
  program
    .command('inspect')
    .description('exact parameters, KV cache, state, FLOPs and MoE figures of a model')
    .argument('<model>', 'catalog id, config.json or folder, hf:org/name[@rev], or a .gguf file')
    .option('--json', 'one JSON document on stdout')
    .action(async (model: string, opts: { json?: boolean }) => {
      setExit(await inspectCommand(model, opts, io));
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never exits itself. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; unknown options, missing arguments: bad usage
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(`costwise: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeFor(error);
  }
}
