// Live updates: Mastodon's streaming API over a WebSocket (`/api/v1/streaming?stream=user`, the
// session cookie authenticates it, same origin). Pages subscribe to new notifications and posts;
// where the server has no streaming (the socket never opens), `mode` stays 'focus' and pages
// refresh when the person returns to the tab instead (useFocusRefresh) — never by polling.
import { guildhallNotificationTypes } from './api/types';

export type LiveMode = 'connecting' | 'streaming' | 'focus';

type Listener = (payload: unknown) => void;

export interface Live {
  readonly mode: LiveMode;
  onNotification(listener: Listener): () => void;
  onUpdate(listener: Listener): () => void;
  onModeChange(listener: (mode: LiveMode) => void): () => void;
  // Tells subscribers (the navigation's unread badge) that the notifications were read.
  notificationsRead(): void;
  onNotificationsRead(listener: () => void): () => void;
  close(): void;
}

export type SocketFactory = (url: string) => WebSocket;

function registry<T>() {
  const set = new Set<T>();
  return {
    add(listener: T) {
      set.add(listener);
      return () => void set.delete(listener);
    },
    each(fn: (listener: T) => void) {
      for (const l of [...set]) fn(l);
    },
  };
}

// A Live that never streams: what tests and servers without streaming get.
export function focusOnlyLive(): Live {
  return createLive(null);
}

// Opens the stream only once `GET /api/v1/streaming/health` answers (Mastodon's check), so a
// server without streaming costs one 404 and no failing socket.
export function createBrowserLive(healthy: () => Promise<boolean>): Live {
  let inner: Live | null = null;
  const pending: (() => void)[] = [];
  const fallback = createLive(null);
  let stopped = false;
  const proxy: Live = {
    get mode() {
      return (inner ?? fallback).mode;
    },
    onNotification: (l) => delegate((x) => x.onNotification(l)),
    onUpdate: (l) => delegate((x) => x.onUpdate(l)),
    onModeChange: (l) => delegate((x) => x.onModeChange(l)),
    notificationsRead: () => (inner ?? fallback).notificationsRead(),
    onNotificationsRead: (l) => delegate((x) => x.onNotificationsRead(l)),
    close() {
      stopped = true;
      inner?.close();
    },
  };
  // Subscriptions made before the check finished move to the stream when it opens.
  function delegate(subscribe: (x: Live) => () => void): () => void {
    let off = subscribe(inner ?? fallback);
    if (!inner) {
      const move = () => {
        off();
        off = subscribe(inner!);
      };
      pending.push(move);
      return () => {
        const i = pending.indexOf(move);
        if (i >= 0) pending.splice(i, 1);
        off();
      };
    }
    return () => off();
  }
  healthy().then(
    (ok) => {
      if (!ok || stopped) return;
      inner = createLive((url) => new WebSocket(url));
      for (const move of pending.splice(0)) move();
    },
    () => {},
  );
  return proxy;
}

export function createLive(socketFactory: SocketFactory | null, origin?: string): Live {
  const notifications = registry<Listener>();
  const updates = registry<Listener>();
  const modes = registry<(mode: LiveMode) => void>();
  const reads = registry<() => void>();
  let mode: LiveMode = socketFactory ? 'connecting' : 'focus';
  let socket: WebSocket | null = null;
  let closed = false;
  let attempts = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setMode = (m: LiveMode) => {
    if (m === mode) return;
    mode = m;
    modes.each((l) => l(m));
  };

  const connect = () => {
    if (!socketFactory || closed) return;
    const base = origin ?? window.location.origin;
    // Guildhall's own notification types come only to a stream that names them, as in the list.
    const types = guildhallNotificationTypes.map((t) => `&types[]=${t}`).join('');
    const url = `${base.replace(/^http/, 'ws')}/api/v1/streaming?stream=user${types}`;
    let opened = false;
    try {
      socket = socketFactory(url);
    } catch {
      setMode('focus');
      return;
    }
    socket.onopen = () => {
      opened = true;
      attempts = 0;
      setMode('streaming');
    };
    socket.onmessage = (e) => {
      try {
        const message = JSON.parse(String(e.data)) as { event?: string; payload?: string };
        const payload = typeof message.payload === 'string' ? JSON.parse(message.payload) : message.payload;
        if (message.event === 'notification') notifications.each((l) => l(payload));
        else if (message.event === 'update' || message.event === 'status.update')
          updates.each((l) => l(payload));
      } catch {
        // A message we do not understand changes nothing.
      }
    };
    socket.onclose = () => {
      socket = null;
      if (closed) return;
      setMode('focus');
      // A server without streaming refuses at once: stop after a few tries; a dropped stream
      // reconnects with backoff.
      if (!opened && ++attempts >= 3) return;
      timer = setTimeout(connect, Math.min(30_000, 1000 * 2 ** attempts));
    };
  };
  connect();

  return {
    get mode() {
      return mode;
    },
    onNotification: notifications.add,
    onUpdate: updates.add,
    onModeChange: modes.add,
    notificationsRead: () => reads.each((l) => l()),
    onNotificationsRead: reads.add,
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
