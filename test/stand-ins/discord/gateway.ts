import type { IncomingMessage, Server } from 'node:http';
import {
  type ApplicationFlags,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  GatewayOpcodes,
  type GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { makeSessionId, shardOf } from './ids.js';
import type { ChangeFeed } from './recorder.js';
import type { World } from './world.js';

/** A gateway session as tests see it. */
export interface GatewaySessionInfo {
  /** Position in identify order; `sendCommand({ connection })` takes it. */
  readonly index: number;
  readonly sessionId: string;
  readonly shard: readonly [id: number, count: number];
  /** The token and intents the client identified with. */
  readonly token: string;
  readonly intents: number;
  /** Whether a socket is attached right now. */
  readonly open: boolean;
  readonly resumes: number;
}

interface Session {
  readonly index: number;
  readonly sessionId: string;
  readonly token: string;
  readonly intents: number;
  readonly shard: readonly [number, number];
  socket: WebSocket | undefined;
  seq: number;
  resumes: number;
  /** Recent dispatches, replayed on RESUME. */
  readonly backlog: { readonly seq: number; readonly text: string }[];
}

/** Settings the gateway needs from the stand-in. */
export interface GatewayOptions {
  readonly token: string;
  readonly heartbeatIntervalMs: number;
  readonly world: World;
  readonly feed: ChangeFeed;
}

const BACKLOG_LIMIT = 200;

type DispatchData<T extends GatewayDispatchEvents> = Extract<GatewayDispatchPayload, { t: T }>['d'];

/**
 * The gateway half of the stand-in: a JSON-encoded v10 gateway with HELLO, IDENTIFY, READY,
 * GUILD_CREATE, heartbeats, RESUME and shard-aware delivery, for any number of sessions.
 */
export class Gateway {
  readonly #server: WebSocketServer;
  readonly #options: GatewayOptions;
  readonly #sessions: Session[] = [];
  #url = '';

  constructor(httpServer: Server, options: GatewayOptions) {
    this.#options = options;
    this.#server = new WebSocketServer({ server: httpServer });
    this.#server.on('connection', (socket, request) => this.#accept(socket, request));
  }

  /** Sets the `ws://` URL handed out by `/gateway/bot` and READY's `resume_gateway_url`. */
  set url(url: string) {
    this.#url = url;
  }

  get sessions(): GatewaySessionInfo[] {
    return this.#sessions.map(({ index, sessionId, shard, token, intents, socket, resumes }) => ({
      index,
      sessionId,
      shard,
      token,
      intents,
      open: socket !== undefined,
      resumes,
    }));
  }

  /** Sessions with a live socket. */
  get openCount(): number {
    return this.#sessions.filter((session) => session.socket).length;
  }

  /**
   * Open sessions that receive a guild's events: those whose shard owns it. DMs go to shard 0.
   */
  owners(guildId: string | undefined): number[] {
    return this.#sessions
      .filter((session) => session.socket)
      .filter(({ shard: [id, count] }) => (guildId === undefined ? id === 0 : shardOf(guildId, count) === id))
      .map((session) => session.index);
  }

  /** Sends a dispatch to one session (by index); a closed session keeps it for RESUME. */
  dispatch<T extends GatewayDispatchEvents>(index: number, t: T, d: DispatchData<T>): void {
    const session = this.#sessions[index];
    if (!session) throw new Error(`No gateway session #${index}`);
    this.#send(session, t, d);
  }

  /** Asks a session's client to reconnect and resume (op 7), as Discord does before a restart. */
  requestReconnect(index: number): void {
    this.#sessions[index]?.socket?.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null, s: null, t: null }));
  }

  /** Drops every socket and stops accepting new ones. */
  close(): Promise<void> {
    for (const socket of this.#server.clients) socket.terminate();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const query = new URL(request.url ?? '/', 'ws://stand-in').searchParams;
    if (query.get('encoding') === 'etf' || query.has('compress')) {
      // discord.js asks for zlib-stream only when zlib-sync is installed; this stand-in speaks plain JSON.
      socket.close(GatewayCloseCodes.DecodeError, 'The stand-in supports encoding=json without compression only');
      return;
    }
    if (query.has('v') && query.get('v') !== '10') {
      socket.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    let session: Session | undefined;
    socket.on('message', (data, isBinary) => {
      session = this.#onPayload(socket, session, isBinary ? undefined : parsePayload(data.toString()));
    });
    socket.on('close', () => {
      if (session?.socket === socket) {
        session.socket = undefined;
        this.#options.feed.notify();
      }
    });
    socket.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.#options.heartbeatIntervalMs },
        s: null,
        t: null,
      }),
    );
  }

  /** Handles one client payload; returns the session the socket now belongs to. */
  #onPayload(socket: WebSocket, session: Session | undefined, payload: ClientPayload | undefined): Session | undefined {
    if (!payload) {
      socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return session;
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
        return session;
      case GatewayOpcodes.Identify:
      case GatewayOpcodes.Resume:
        if (session) {
          socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
          return session;
        }
        return payload.op === GatewayOpcodes.Identify
          ? this.#identify(socket, payload.d)
          : this.#resume(socket, payload.d);
      default:
        if (!session) {
          socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        } else if (!KNOWN_CLIENT_OPCODES.has(payload.op)) {
          // Presence, voice state and member requests are accepted and ignored; others are not.
          socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
        }
        return session;
    }
  }

  #identify(socket: WebSocket, data: Record<string, unknown>): Session | undefined {
    if (data.token !== this.#options.token) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return undefined;
    }
    if (typeof data.intents !== 'number') {
      socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return undefined;
    }
    const shard = readShard(data.shard);
    if (!shard) {
      socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return undefined;
    }
    const session: Session = {
      index: this.#sessions.length,
      sessionId: makeSessionId(),
      token: data.token,
      intents: data.intents,
      shard,
      socket,
      seq: 0,
      resumes: 0,
      backlog: [],
    };
    this.#sessions.push(session);

    const { world } = this.#options;
    const guilds = world.guilds.filter((guild) => shardOf(guild.id, shard[1]) === shard[0]);
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: { ...world.userPayload(world.botUser), verified: true, mfa_enabled: false },
      guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.#url,
      shard: [shard[0], shard[1]],
      // No application flag is set; the enum has no zero member.
      application: { id: world.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    this.#send(session, GatewayDispatchEvents.Ready, ready);
    for (const guild of guilds) {
      this.#send(session, GatewayDispatchEvents.GuildCreate, world.guildCreatePayload(guild));
    }
    this.#options.feed.notify();
    return session;
  }

  /** Resumes a known session and replays what it missed, or says op 9 so the client re-identifies. */
  #resume(socket: WebSocket, data: Record<string, unknown>): Session | undefined {
    const session = this.#sessions.find(
      (candidate) => candidate.sessionId === data.session_id && candidate.token === data.token,
    );
    const lastSeen = typeof data.seq === 'number' ? data.seq : 0;
    const replayable = session && (session.backlog[0]?.seq ?? session.seq + 1) <= lastSeen + 1;
    if (!session || !replayable) {
      socket.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
      return undefined;
    }
    // A resumed session takes over from any socket still attached, as on Discord.
    session.socket?.terminate();
    session.socket = socket;
    session.resumes += 1;
    for (const entry of session.backlog) if (entry.seq > lastSeen) socket.send(entry.text);
    this.#send(session, GatewayDispatchEvents.Resumed, undefined);
    this.#options.feed.notify();
    return session;
  }

  #send<T extends GatewayDispatchEvents>(session: Session, t: T, d: DispatchData<T>): void {
    session.seq += 1;
    const text = JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d: d ?? null });
    session.backlog.push({ seq: session.seq, text });
    if (session.backlog.length > BACKLOG_LIMIT) session.backlog.shift();
    session.socket?.send(text);
  }
}

const KNOWN_CLIENT_OPCODES = new Set<number>([
  GatewayOpcodes.PresenceUpdate,
  GatewayOpcodes.VoiceStateUpdate,
  GatewayOpcodes.RequestGuildMembers,
  GatewayOpcodes.RequestSoundboardSounds,
]);

/** A payload from the client: its opcode and its `d` object (empty when absent or not an object). */
interface ClientPayload {
  readonly op: number;
  readonly d: Record<string, unknown>;
}

function parsePayload(text: string): ClientPayload | undefined {
  try {
    const payload: unknown = JSON.parse(text);
    if (typeof payload !== 'object' || payload === null || !('op' in payload) || typeof payload.op !== 'number') {
      return undefined;
    }
    const d = 'd' in payload && typeof payload.d === 'object' && payload.d !== null ? payload.d : {};
    return { op: payload.op, d: d as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

function readShard(value: unknown): [number, number] | undefined {
  if (value === undefined) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
  const shard = [id as number, count as number] as const;
  return shard[1] > 0 && shard[0] >= 0 && shard[0] < shard[1] ? [shard[0], shard[1]] : undefined;
}
