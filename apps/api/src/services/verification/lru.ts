interface Slot<V> {
  value: V;
  stamp: number;
}

/**
 * A bounded map that forgets the least recently used entries first. A read moves an entry to
 * the young end only once more than half the capacity has been inserted after it, so a hot
 * entry costs one Map lookup per read, and eviction is still least-recently-used to within
 * half the capacity: nothing read in the newer half is ever the next to go.
 */
export class Lru<K, V> {
  private readonly slots = new Map<K, Slot<V>>();
  private clock = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('Lru capacity must be a positive integer');
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: K): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (this.clock - slot.stamp > this.capacity >> 1) this.touch(key, slot);
    return slot.value;
  }

  set(key: K, value: V): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      slot.value = value;
      if (this.clock - slot.stamp > this.capacity >> 1) this.touch(key, slot);
      return;
    }
    this.slots.set(key, { value, stamp: ++this.clock });
    if (this.slots.size > this.capacity) {
      const oldest = this.slots.keys().next().value as K;
      this.slots.delete(oldest);
    }
  }

  delete(key: K): boolean {
    return this.slots.delete(key);
  }

  clear(): void {
    this.slots.clear();
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [k, slot] of this.slots) yield [k, slot.value];
  }

  private touch(key: K, slot: Slot<V>): void {
    this.slots.delete(key);
    slot.stamp = ++this.clock;
    this.slots.set(key, slot);
  }
}
