/**
 * A Map that forgets its least recently remembered entry when full (insertion order; `remember`
 * moves a key to the end): the per-isolate caches of the list endpoints.
 */
export class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }

  remember(key: string, value: V) {
    this.delete(key);
    if (this.size >= this.max) this.delete(this.keys().next().value!);
    this.set(key, value);
  }
}
