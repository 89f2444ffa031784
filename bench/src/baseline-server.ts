/**
 * The practical limit of the machine: a minimal raw `Bun.serve` WebSocket server that does the same
 * fan-out as Handsup with the same coalescing — it acknowledges each answer to its sender and
 * broadcasts the whole tally to every client at most 10 times a second — and nothing else (no
 * validation, no database, no auth). Run as its own process: `bun baseline-server.ts PORT`.
 */
import { createCoalescer } from './coalescer.ts';

const port = Number(process.argv[2] ?? 0);
const counts: Record<string, number> = {};
let total = 0;
let version = 0;
const seen = new Set<string>();

const server = Bun.serve<{ id: number }>({
  port,
  hostname: '127.0.0.1',
  fetch(req, srv) {
    if (srv.upgrade(req, { data: { id: 0 } })) return undefined;
    return new Response('baseline');
  },
  websocket: {
    idleTimeout: 120,
    open(ws) {
      ws.subscribe('room');
    },
    message(ws, raw) {
      const msg = JSON.parse(String(raw)) as {
        type: string;
        clientMsgId: string;
        value: { optionId: string };
      };
      if (msg.type !== 'vote.cast') return;
      if (!seen.has(msg.clientMsgId)) {
        seen.add(msg.clientMsgId);
        counts[msg.value.optionId] = (counts[msg.value.optionId] ?? 0) + 1;
        total++;
      }
      ws.send(JSON.stringify({ type: 'vote.accepted', clientMsgId: msg.clientMsgId }));
      coalescer.mark();
    },
  },
});
const coalescer = createCoalescer(10, () => {
  version++;
  server.publish(
    'room',
    JSON.stringify({ type: 'results.updated', version, now: Date.now(), results: { total, counts } }),
  );
});
console.log(JSON.stringify({ port: server.port }));
