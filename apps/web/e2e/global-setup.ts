import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { WEB_DIR } from './support/server';

/** Builds the UI once, so the API under test serves what production would. */
export default function setup() {
  if (process.env.KEYWARD_E2E_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [join(WEB_DIR, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
  });
}
