import { connect } from 'node:net';

const HEADER_END = '\r\n\r\n';
const CONTENT_LENGTH = /content-length: *(\d+)/i;

/**
 * Round trips one at a time on one kept-alive connection, timed to the microsecond
 * (autocannon rounds to milliseconds). A raw socket with a prebuilt request: an HTTP client
 * library would add its own allocations, and its garbage collections, to the tail. Run as its
 * own small process (`sequential.ts <url> <body>`, prints JSON), so the benchmark's large heap
 * is not collected in the middle of a measurement either.
 */
async function sequentialLatency(url: string, body: string, { warmup = 2000, samples = 5000 } = {}) {
  const { hostname, port, pathname } = new URL(url);
  const request = Buffer.from(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  let received = '';
  let answered: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    const end = received.indexOf(HEADER_END);
    if (end < 0) return;
    const length = Number(CONTENT_LENGTH.exec(received.slice(0, end))?.[1] ?? 0);
    if (received.length < end + HEADER_END.length + length) return;
    if (!received.startsWith('HTTP/1.1 200')) throw new Error(`${url} answered ${received.slice(0, 12)}`);
    received = received.slice(end + HEADER_END.length + length);
    answered?.();
  });
  const once = () =>
    new Promise<number>((resolve) => {
      const t = performance.now();
      answered = () => resolve(performance.now() - t);
      socket.write(request);
    });

  for (let i = 0; i < warmup; i++) await once();
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) times[i] = await once();
  socket.destroy();
  times.sort();
  const at = (q: number) => times[Math.min(samples - 1, Math.floor(samples * q))] as number;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

const [url, body] = process.argv.slice(2);
if (!url || body === undefined) throw new Error('usage: sequential.ts <url> <json body>');
process.stdout.write(`${JSON.stringify(await sequentialLatency(url, body))}\n`);
