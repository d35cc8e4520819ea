import { useEffect, useState, useSyncExternalStore } from "react";
import { connectivity } from "./connectivity";

export type Loadable<T> =
  | { state: "loading"; data?: undefined; error?: undefined }
  | { state: "ok"; data: T; error?: undefined }
  | { state: "error"; data?: undefined; error: unknown };

export function useConnectivity() {
  return useSyncExternalStore(connectivity.subscribe, connectivity.get);
}

/** Loads `key` with `load`, again whenever `key` changes or the browser comes back online. */
export function useApi<T>(key: string, load: () => Promise<T>): Loadable<T> {
  const { generation } = useConnectivity();
  const [result, setResult] = useState<{ key: string; value: Loadable<T> }>({ key, value: { state: "loading" } });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is recreated every render; `key` names what it loads.
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setResult({ key, value: { state: "ok", data } }),
      (error: unknown) =>
        // Keep what is on screen if a refetch after reconnecting fails.
        current && setResult((prev) => (prev.key === key && prev.value.state === "ok" ? prev : { key, value: { state: "error", error } })),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  return result.key === key ? result.value : { state: "loading" };
}
