import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ResponseEvents {
  /** The client left before the response was complete. */
  clientGone(): void;
  /** Nothing more will be written: the response finished, or its connection closed. */
  responseOver(): void;
}

/**
 * One 'close' listener per socket, however many requests wait on it: a client may pipeline many
 * requests on one keep-alive connection, and removing one of many listeners from an emitter
 * costs time linear in their number.
 */
const socketWatchers = new WeakMap<Socket, Set<ResponseMonitor>>();

function watchSocket(socket: Socket, monitor: ResponseMonitor): Set<ResponseMonitor> {
  let monitors = socketWatchers.get(socket);
  if (monitors === undefined) {
    const watched = (monitors = new Set());
    socketWatchers.set(socket, watched);
    socket.once('close', () => {
      socketWatchers.delete(socket);
      for (const watcher of watched) watcher.end();
    });
  }
  monitors.add(monitor);
  return monitors;
}

/**
 * Watches an HTTP exchange, Express or Fastify (`raw` is Node's own object). A response emits
 * 'close' once finished or aborted; `writableFinished` tells the two apart. A pipelined response
 * still waiting for its turn gets no 'close' of its own, so the socket is watched too.
 * One object per request, with no closures of its own but the 'close' listener: it runs on
 * every request.
 */
export class ResponseMonitor {
  readonly #response: ServerResponse;
  readonly #events: ResponseEvents;
  readonly #socketWatchers: Set<ResponseMonitor> | undefined;
  readonly #onClose = (): void => this.end();
  #over = false;

  constructor(request: unknown, response: unknown, events: ResponseEvents) {
    const req = ((request as { raw?: IncomingMessage }).raw ?? request) as IncomingMessage;
    const res = ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
    this.#response = res;
    this.#events = events;
    const socket = req.socket;
    this.#socketWatchers = socket ? watchSocket(socket, this) : undefined;
    // `on`, not `once`: `end` runs once anyway, and `once` allocates a wrapper per request.
    res.on('close', this.#onClose);
    if (socket?.destroyed || res.destroyed) this.end();
  }

  /** Stops watching, saying nothing more. */
  stop(): void {
    this.#socketWatchers?.delete(this);
    this.#response.removeListener('close', this.#onClose);
  }

  /** @internal The response closed, or its socket did. */
  end(): void {
    if (this.#over) return;
    this.#over = true;
    this.stop();
    if (!this.#response.writableFinished) this.#events.clientGone();
    this.#events.responseOver();
  }
}
