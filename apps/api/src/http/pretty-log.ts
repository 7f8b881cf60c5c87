import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };

/** One JSON log line as a short human line: time, level, message, then the fields. */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, err, ...fields } = entry;
  const n = typeof level === 'number' ? level : 30;
  const clock = new Date(typeof time === 'number' ? time : Date.now()).toISOString().slice(11, 23);
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const stack = err && typeof err === 'object' && 'stack' in err ? `\n${String(err.stack)}` : '';
  return `${clock} \x1b[${COLORS[n] ?? '0'}m${(LEVELS[n] ?? String(n)).padEnd(5)}\x1b[0m ${String(msg ?? '')} \x1b[90m${rest.join(' ')}\x1b[0m${stack}`;
}

/**
 * For a developer's terminal only (pino-pretty is not a dependency): production and piped
 * output stay JSON, one object per line, for log shippers.
 */
export function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) out.write(`${prettyLine(line)}\n`);
      cb();
    },
  });
}
