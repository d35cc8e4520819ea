// workerd's inspector (Chrome DevTools protocol) for the profiling scripts.
import WebSocket from "ws";

/** Opens a DevTools session on a target's `webSocketDebuggerUrl`: `send(method, params)` resolves with the result. */
export function connectInspector(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg.result);
      pending.delete(msg.id);
    }
  });
  return new Promise((resolve) =>
    ws.once("open", () =>
      resolve({
        send: (method, params = {}) =>
          new Promise((done) => {
            pending.set(++id, done);
            ws.send(JSON.stringify({ id, method, params }));
          }),
      }),
    ),
  );
}

/** Starts the CPU profiler (200 µs samples) in every isolate the inspector at `port` lists; returns their sessions. */
export async function startProfilers(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const sessions = await Promise.all(targets.map((t) => connectInspector(t.webSocketDebuggerUrl)));
  for (const s of sessions) {
    await s.send("Profiler.enable");
    await s.send("Profiler.setSamplingInterval", { interval: 200 });
    await s.send("Profiler.start");
  }
  return sessions;
}
