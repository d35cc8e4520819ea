// A D1 binding for tests that bound how many statements a read costs.

/** A D1 binding that counts the statements it runs (each batch member and each single statement). */
export function countingD1(d1: D1Database) {
  let statements = 0;
  const counted = (stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop === "bind") return (...args: unknown[]) => counted(target.bind(...args));
        if (prop === "raw" || prop === "first" || prop === "all" || prop === "run")
          return (...args: unknown[]) => {
            statements++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const binding = new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => counted(target.prepare(query));
      if (prop === "batch")
        return (batch: D1PreparedStatement[]) => {
          statements += batch.length;
          return target.batch(batch);
        };
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { binding, count: () => statements, reset: () => (statements = 0) };
}
