import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The production bundle (dist/main.js, dist/cli.js) carries the drizzle migrations in
 * dist/drizzle, because @keyward/db's own folder is not shipped; run from source there is no
 * such folder here and @keyward/db's default applies (undefined).
 */
const bundled = fileURLToPath(new URL('./drizzle', import.meta.url));
export const migrationsFolder: string | undefined = existsSync(`${bundled}/meta/_journal.json`) ? bundled : undefined;
