// The gateway connection: HELLO, IDENTIFY or RESUME, heartbeats with zombie detection, and reconnecting by
// itself (resuming when the server still holds the session, identifying anew when it does not).

const FATAL = new Set([4004, 4010, 4011, 4012, 4013, 4014]);
// GUILDS, GUILD_MEMBERS, GUILD_MODERATION, GUILD_EMOJIS_AND_STICKERS, GUILD_INVITES, GUILD_PRESENCES, GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS,
// GUILD_MESSAGE_TYPING, DIRECT_MESSAGES, DIRECT_MESSAGE_REACTIONS, DIRECT_MESSAGE_TYPING, MESSAGE_CONTENT
const INTENTS = 1 | 2 | 4 | 8 | 64 | 256 | 512 | 1024 | 2048 | 4096 | 8192 | 16384 | 32768;

export class Gateway {
  /** handlers: {dispatch(t, d), state(text), fatal(code)} */
  constructor(api, token, handlers) {
    this.api = api;
    this.token = token;
    this.handlers = handlers;
    this.sessionId = null;
    this.resumeUrl = null;
    this.seq = null;
    this.status = 'online';
    this.attempts = 0;
    this.stopped = false;
  }

  async start() {
    try {
      const { url } = await this.api.get('/gateway');
      this.url = url;
    } catch {
      this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/gateway`;
    }
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    const base = this.sessionId && this.resumeUrl ? this.resumeUrl : this.url;
    const ws = new WebSocket(`${base}?v=10&encoding=json`);
    this.ws = ws;
    this.handlers.state('connecting');
    ws.onmessage = (ev) => {
      if (ws === this.ws) this.receive(JSON.parse(ev.data));
    };
    ws.onclose = (ev) => {
      if (ws === this.ws) this.closed(ev.code);
    };
  }

  send(op, d) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ op, d }));
  }

  receive(p) {
    if (p.s) this.seq = p.s;
    switch (p.op) {
      case 10:
        this.beat(p.d.heartbeat_interval);
        if (this.sessionId) this.send(6, { token: this.token, session_id: this.sessionId, seq: this.seq });
        else this.identify();
        break;
      case 11:
        this.acked = true;
        break;
      case 1:
        this.send(1, this.seq);
        break;
      case 7: // RECONNECT: resume elsewhere (or here once the server is back)
        this.drop(4900);
        break;
      case 9: // INVALID_SESSION: start again
        if (!p.d) this.sessionId = null;
        this.drop(4901);
        break;
      case 0:
        if (p.t === 'READY') {
          this.sessionId = p.d.session_id;
          this.resumeUrl = p.d.resume_gateway_url;
        }
        if (p.t === 'READY' || p.t === 'RESUMED') {
          this.attempts = 0;
          this.handlers.state('connected');
        }
        this.handlers.dispatch(p.t, p.d);
        break;
      default:
        break;
    }
  }

  identify() {
    this.seq = null;
    this.send(2, {
      token: this.token,
      intents: INTENTS,
      properties: { os: navigator.platform || 'web', browser: 'SimpleDiscord web', device: 'SimpleDiscord web' },
      presence: { status: this.status, since: null, activities: [], afk: false },
    });
  }

  beat(interval) {
    clearTimeout(this.firstBeat);
    clearInterval(this.timer);
    this.acked = true;
    const tick = () => {
      if (!this.acked) return this.drop(4902); // zombie: no ACK since the last beat
      this.acked = false;
      this.send(1, this.seq);
    };
    this.firstBeat = setTimeout(() => {
      tick();
      this.timer = setInterval(tick, interval);
    }, interval * Math.random());
  }

  /** Closes the socket ourselves and reconnects. */
  drop(code) {
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(code);
    this.closed(code);
  }

  closed(code) {
    clearTimeout(this.firstBeat);
    clearInterval(this.timer);
    this.ws = null;
    if (this.stopped) return;
    if (FATAL.has(code)) {
      this.handlers.state('disconnected');
      this.handlers.fatal(code);
      return;
    }
    this.handlers.state('reconnecting');
    const wait = Math.min(15000, 500 * 2 ** this.attempts++) * (0.75 + Math.random() / 2);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connect(), this.attempts === 1 ? 200 : wait);
  }

  /** The user's new token (the old one was retired): the session starts anew with it at once (IDENTIFY, then
   * READY and the resync it brings), whether the server has closed the old socket yet or not. */
  renew(token) {
    this.token = token;
    this.sessionId = null;
    if (this.stopped) return;
    if (this.ws) return this.drop(4903);
    clearTimeout(this.retry);
    this.attempts = 0;
    this.connect();
  }

  setStatus(status) {
    this.status = status;
    this.send(3, { since: null, activities: [], status, afk: false });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.firstBeat);
    clearInterval(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }
}
