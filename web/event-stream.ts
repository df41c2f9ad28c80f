// The /api/events Server-Sent Events stream, within a memory budget. A page that stops reading (a
// frozen tab, a debugger, a slow machine) must not make the server queue every event for it: once a
// client has more than CLIENT_BACKLOG_BYTES unsent it is dropped, and its EventSource reconnects with
// Last-Event-ID. The last REPLAY_BYTES of frames, kept once for all clients, are replayed to it; if
// what it missed is older than that, it gets a `gap` event instead and the page settles the runs it
// was following (renderer/bridge-web.ts), so the admin can resume them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CheckEvent } from '../shared/ipc.ts';

export interface EventStreamLimits {
  /** Unsent bytes one client may have before it is dropped (one frame is always written, however large). */
  clientBacklogBytes: number;
  /** Recent frames kept for reconnecting clients, all clients together. */
  replayBytes: number;
  maxClients: number;
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = {
  clientBacklogBytes: 8 * 1024 * 1024,
  replayBytes: 32 * 1024 * 1024,
  maxClients: 16,
};

/** How soon a dropped page reconnects (the browser default is about 3 s). */
const RECONNECT_MS = 1000;

interface Frame {
  id: number;
  text: string;
}

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  /** Bytes replayed to a reconnecting client: its backlog may hold them on top of the usual budget. */
  private readonly replayed = new WeakMap<ServerResponse, number>();
  private readonly replay: Frame[] = [];
  private replayBytes = 0;
  private lastId = 0;

  constructor(private readonly limits: EventStreamLimits = DEFAULT_EVENT_STREAM_LIMITS) {}

  /** Answer GET /api/events (the caller has checked Host and Origin). */
  open(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.size >= this.limits.maxClients) {
      res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify({ ok: false, error: 'Too many open event streams.' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
    this.clients.add(res);
    req.socket.setTimeout(0);
    res.on('close', () => this.clients.delete(res));
    const lastSeen = Number(req.headers['last-event-id']);
    if (Number.isInteger(lastSeen) && lastSeen >= 0 && lastSeen < this.lastId) this.catchUp(res, lastSeen);
  }

  broadcast(event: CheckEvent): void {
    const id = ++this.lastId;
    const frame = { id, text: `id: ${id}\ndata: ${JSON.stringify(event)}\n\n` };
    this.remember(frame);
    for (const client of this.clients) this.send(client, frame.text);
  }

  /** A comment line that keeps proxies and the browser from timing the stream out. */
  keepalive(): void {
    for (const client of this.clients) this.send(client, ': keepalive\n\n');
  }

  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private remember(frame: Frame): void {
    this.replay.push(frame);
    this.replayBytes += frame.text.length;
    // The newest frame stays even when it alone is over the budget.
    while (this.replay.length > 1 && this.replayBytes > this.limits.replayBytes) this.replayBytes -= this.replay.shift()!.text.length;
  }

  /** Replay what a reconnecting client missed, or tell it that part is gone. */
  private catchUp(res: ServerResponse, lastSeen: number): void {
    const oldest = this.replay[0]?.id ?? this.lastId + 1;
    if (oldest > lastSeen + 1) {
      this.send(res, `id: ${this.lastId}\nevent: gap\ndata: ${JSON.stringify({ missedFrom: lastSeen + 1, missedTo: oldest - 1 })}\n\n`);
      return;
    }
    // The replay may be larger than one client's backlog (it is bounded by the replay budget): without this
    // allowance the client is dropped in the middle of its own catch-up, again at every reconnection.
    const missed = this.replay.filter((frame) => frame.id > lastSeen);
    this.replayed.set(res, missed.reduce((sum, frame) => sum + frame.text.length, 0));
    for (const frame of missed) if (this.clients.has(res)) this.send(res, frame.text);
  }

  /** Write unless the client is already too far behind; then drop it (it reconnects and catches up). */
  private send(client: ServerResponse, text: string): void {
    if (client.writableLength > this.limits.clientBacklogBytes + (this.replayed.get(client) ?? 0)) {
      this.clients.delete(client);
      client.destroy();
      return;
    }
    client.write(text);
  }
}
