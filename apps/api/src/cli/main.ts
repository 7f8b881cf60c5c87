#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../env';
import { ServiceError } from '../services/errors';
import { type Command, COMMANDS } from './commands';
import { type Io, UsageError } from './context';

const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function overallHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: keyward <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Configuration comes from the environment, as for the server (DATABASE_URL, KEYWARD_DATA_DIR, REDIS_URL, …).',
    "Run 'keyward <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 failure, 2 usage or configuration error.',
  ].join('\n');
}

const commandHelp = (c: Command) => `${c.summary}\n\nUsage: ${c.usage}`;

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.reject(new UsageError('stdin is a terminal: pipe the password in, e.g. printf %s "$PASSWORD" | keyward …'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readStdin,
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(overallHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`keyward: unknown command '${name}'\n\n${overallHelp()}`);
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals.length > 0,
      strict: true,
    });
    if (values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    if (positionals.length !== command.positionals.length) {
      throw new UsageError(`expected ${command.positionals.map((p) => `<${p}>`).join(' ') || 'no arguments'}`);
    }
    return await command.run(values, positionals, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`keyward ${name}: ${err.message}\n\nUsage: ${command.usage}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT.usage;
    }
    // Service errors carry messages written for people; anything else is reported as is.
    io.err(`keyward ${name}: ${err instanceof ServiceError ? err.message : err instanceof Error ? err.message : String(err)}`);
    return EXIT.failure;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`keyward: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT.failure;
  },
);
