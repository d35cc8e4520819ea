// The reference the latency benchmark compares against: the seed design's way, Fastify +
// Socket.IO, POST → io.to(room).emit, with no auth, no validation, no storage, no rules.
import Fastify from "fastify";
import { Server } from "socket.io";

export async function startReferenceServer(port = 0) {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  const io = new Server(app.server, { transports: ["websocket"] });
  io.on("connection", (socket) => socket.join(String(socket.handshake.query.room ?? "tenant")));
  app.post("/webhook", async (request, reply) => {
    io.to("tenant").emit("alert", request.body);
    return reply.code(202).send({ accepted: 1 });
  });
  await app.listen({ port, host: "127.0.0.1" });
  return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() };
}
