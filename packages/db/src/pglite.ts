import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Db, DbHandle } from './handle';
import { assertChannel, sqlOperations } from './handle';
import * as schema from './schema';

/**
 * Wraps a PGlite instance. A handle that does not own the instance (several handles sharing one
 * embedded database, as API instances share a server) only drops its own subscriptions on close.
 */
export function createPgliteHandle(client: PGlite, { ownsClient }: { ownsClient: boolean }): DbHandle {
  const db: Db = drizzle({ client, schema });
  const subscriptions = new Set<() => Promise<void>>();

  return {
    db,
    driver: 'pglite',
    ...sqlOperations(db),
    async listen(channel, onPayload) {
      assertChannel(channel);
      const stop = await client.listen(channel, onPayload);
      const unlisten = async () => {
        if (subscriptions.delete(unlisten)) await stop();
      };
      subscriptions.add(unlisten);
      return unlisten;
    },
    listenerConnected: () => true,
    onListenerStateChange: () => () => {},
    async close() {
      if (ownsClient) await client.close();
      else await Promise.all([...subscriptions].map((unlisten) => unlisten()));
    },
  };
}
