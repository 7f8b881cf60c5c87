import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('info', sink), lines };
}

/** The shape drizzle gives a failed query: the parameters in the message, the driver error as cause. */
class FailedQuery extends Error {
  constructor(
    readonly query: string,
    readonly params: unknown[],
    override readonly cause: Error,
  ) {
    super(`Failed query: ${query}\nparams: ${params.join(',')}`);
  }
}

describe('error logging', () => {
  it('keeps the query and the code but never the values of a failed query', () => {
    const { log, lines } = capture();
    const driver = Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
      code: '23505',
      detail: 'Key (email)=(secret.person@example.com) already exists.',
      parameters: ['secret.person@example.com'],
    });
    log.error({ err: new FailedQuery('insert into users (email) values ($1)', ['secret.person@example.com', 'a1b2c3hash'], driver) }, 'request failed');
    const line = lines.join('');
    expect(line).toContain('insert into users (email) values ($1)');
    expect(line).toContain('23505');
    expect(line).not.toContain('secret.person@example.com');
    expect(line).not.toContain('a1b2c3hash');
  });

  it('leaves ordinary errors as they are', () => {
    const { log, lines } = capture();
    log.error({ err: new Error('plain failure') }, 'x');
    expect(JSON.parse(lines[0] ?? '{}').err).toMatchObject({ type: 'Error', message: 'plain failure' });
  });
});
