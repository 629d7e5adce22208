import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * One 'close' listener per socket, however many requests wait on it: a client may pipeline many
 * requests on one keep-alive connection, and removing one of many listeners from an emitter
 * costs time linear in their number.
 */
const socketWatchers = new WeakMap<Socket, Set<() => void>>();

function onSocketClose(socket: Socket, callback: () => void): () => void {
  let callbacks = socketWatchers.get(socket);
  if (callbacks === undefined) {
    const watched = (callbacks = new Set());
    socketWatchers.set(socket, watched);
    socket.once('close', () => {
      socketWatchers.delete(socket);
      for (const call of watched) call();
    });
  }
  callbacks.add(callback);
  const watched = callbacks;
  return () => void watched.delete(callback);
}

export interface ResponseEvents {
  /** The client left before the response was complete. */
  clientGone(): void;
  /** Nothing more will be written: the response finished, or its connection closed. */
  responseOver(): void;
}

/**
 * Watches an HTTP exchange, Express or Fastify (`raw` is Node's own object). A response emits
 * 'close' once finished or aborted; `writableFinished` tells the two apart. A pipelined response
 * still waiting for its turn gets no 'close' of its own, so the socket is watched too.
 */
export function monitorResponse(request: unknown, response: unknown, events: ResponseEvents): () => void {
  const req = ((request as { raw?: IncomingMessage }).raw ?? request) as IncomingMessage;
  const res = ((response as { raw?: ServerResponse }).raw ?? response) as ServerResponse;
  let over = false;
  const end = (): void => {
    if (over) return;
    over = true;
    stop();
    if (!res.writableFinished) events.clientGone();
    events.responseOver();
  };
  const socket = req.socket;
  const unwatchSocket = socket ? onSocketClose(socket, end) : undefined;
  res.once('close', end);
  const stop = (): void => {
    unwatchSocket?.();
    res.removeListener('close', end);
  };
  if (socket?.destroyed || res.destroyed) end();
  return stop;
}
