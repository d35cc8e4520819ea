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
