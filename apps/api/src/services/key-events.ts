/**
 * Announces that what a verification depends on changed, so anything caching it drops its
 * copy: specific keys (by hash) or everything of an organization (a plan change).
 * In-process listeners run at once; cross-instance delivery is a listener like any other.
 */
export type KeyChange = { kind: 'keys'; hashes: readonly string[] } | { kind: 'org'; organizationId: string };

export type KeyChangeListener = (change: KeyChange) => void | Promise<void>;

export interface KeyEvents {
  changed(change: KeyChange): Promise<void>;
  subscribe(listener: KeyChangeListener): () => void;
}

export function createKeyEvents(): KeyEvents {
  const listeners = new Set<KeyChangeListener>();
  return {
    async changed(change) {
      await Promise.all([...listeners].map((l) => l(change)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
