import type { ParseArgsConfig } from 'node:util';
import { migrate, pendingMigrations } from '@keyward/db';
import { z } from 'zod';
import { CLI_CLIENT, type Io, migrateOptions, openDb, openServices, UsageError } from './context';
import { doctor } from './doctor';

type Values = Record<string, string | boolean | undefined>;

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Names of the positional arguments, all required. */
  positionals: string[];
  run(values: Values, positionals: string[], io: Io): Promise<number>;
}

const email = z.email('must be a valid email address').max(254);
const password = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');
const scope = z.enum(['read', 'read-write'], { error: 'must be "read" or "read-write"' });

/** Validates one option with a surface-style zod schema; a bad value is a usage error naming the option. */
function option<S extends z.ZodType>(values: Values, name: string, schema: S): z.output<S> {
  const v = values[name];
  if (v === undefined) throw new UsageError(`--${name} is required`);
  const r = schema.safeParse(v);
  if (!r.success) throw new UsageError(`--${name} ${r.error.issues[0]?.message ?? 'is invalid'}`);
  return r.data;
}

const idText = z.string().min(1).max(200);

export const COMMANDS: Record<string, Command> = {
  migrate: {
    summary: 'Apply pending database migrations',
    usage: 'keyward migrate',
    options: {},
    positionals: [],
    async run(_v, _p, io) {
      const handle = await openDb();
      try {
        const pending = await pendingMigrations(handle, migrateOptions);
        await migrate(handle, migrateOptions);
        io.err(pending ? `applied ${pending} migration(s)` : 'database is up to date');
        return 0;
      } finally {
        await handle.close();
      }
    },
  },

  'create-owner': {
    summary: 'Create the first user, owner of the first organization (empty instance only)',
    usage: 'printf %s "$PASSWORD" | keyward create-owner --email <email> --password-stdin [--name <name>]',
    options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' }, name: { type: 'string' } },
    positionals: [],
    async run(values, _p, io) {
      const address = option(values, 'email', email);
      if (!values['password-stdin']) throw new UsageError('--password-stdin is required: the password is read from stdin, never from an argument');
      const secret = (await io.readStdin()).replace(/\r?\n$/, '');
      const pw = password.safeParse(secret);
      if (!pw.success) throw new UsageError(`password from stdin ${pw.error.issues[0]?.message ?? 'is invalid'}`);
      const name = values.name === undefined ? address.split('@')[0] || address : option(values, 'name', z.string().min(1).max(200));
      const s = await openServices();
      try {
        const { user, organizationId } = await s.services.admin.createFirstOwner({ email: address, password: pw.data, name }, CLI_CLIENT);
        io.err(`created owner ${user.email} (${user.id}) of organization ${organizationId}`);
        io.out(user.id);
        return 0;
      } finally {
        await s.close();
      }
    },
  },

  'create-org': {
    summary: 'Create an organization owned by an existing user',
    usage: 'keyward create-org --name <name> --owner <email>',
    options: { name: { type: 'string' }, owner: { type: 'string' } },
    positionals: [],
    async run(values, _p, io) {
      const name = option(values, 'name', z.string().trim().min(1).max(200));
      const owner = option(values, 'owner', email);
      const s = await openServices();
      try {
        const userId = await s.services.admin.userIdByEmail(owner);
        const org = await s.services.orgs.create({ userId, ...CLI_CLIENT, defaultPlan: s.config.defaultPlan }, name);
        io.err(`created organization ${org.name} (${org.id}) owned by ${owner}`);
        io.out(org.id);
        return 0;
      } finally {
        await s.close();
      }
    },
  },

  'create-root-key': {
    summary: 'Mint an organization API key (an Unkey root key); the secret is printed once, to stdout',
    usage: 'keyward create-root-key --org <organizationId> --scope read-write|read [--name <name>]',
    options: { org: { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' } },
    positionals: [],
    async run(values, _p, io) {
      const org = option(values, 'org', idText);
      const granted = option(values, 'scope', scope);
      const name = values.name === undefined ? `root key (${granted})` : option(values, 'name', z.string().min(1).max(200));
      const s = await openServices();
      try {
        const actor = await s.services.admin.systemActor(org, CLI_CLIENT);
        const created = await s.services.keys.create(actor, { source: 'cli', name, scopes: [granted] });
        io.err(`created key ${created.key.id} (${granted}) in organization ${org}; the secret below is shown only this once`);
        io.out(created.secret);
        return 0;
      } finally {
        await s.close();
      }
    },
  },

  revoke: {
    summary: 'Revoke a key at once, on every running instance',
    usage: 'keyward revoke <keyId>',
    options: {},
    positionals: ['keyId'],
    async run(_v, [keyId = ''], io) {
      const s = await openServices();
      try {
        const actor = await s.services.admin.keyActor(keyId, CLI_CLIENT);
        const key = await s.services.keys.revoke(actor, keyId);
        io.err(`revoked ${key.id}`);
        return 0;
      } finally {
        await s.close();
      }
    },
  },

  'export-audit': {
    summary: 'Write audit entries since a date as JSON lines to stdout, oldest first',
    usage: 'keyward export-audit --since <ISO date> [--org <organizationId>]',
    options: { since: { type: 'string' }, org: { type: 'string' } },
    positionals: [],
    async run(values, _p, io) {
      const since = option(
        values,
        'since',
        z.iso.datetime({ offset: true }).or(z.iso.date()).transform((v) => new Date(v)),
      );
      const org = values.org === undefined ? undefined : option(values, 'org', idText);
      const s = await openServices();
      try {
        let n = 0;
        for await (const entry of s.services.admin.auditSince(since, org)) {
          io.out(JSON.stringify(entry));
          n++;
        }
        io.err(`exported ${n} audit entr${n === 1 ? 'y' : 'ies'}`);
        return 0;
      } finally {
        await s.close();
      }
    },
  },

  doctor: {
    summary: 'Check configuration, database, migrations and Redis; exit 1 if any check fails',
    usage: 'keyward doctor',
    options: {},
    positionals: [],
    run: (_v, _p, io) => doctor(io),
  },
};
