// The discord.js judge's harness: stock clients pointed at the server by the REST base URL only (discord.js asks
// GET /gateway/bot for its gateway), an event record per client, REST calls for the person driving the other side,
// and steps that print one line each. Any library exception (unhandled rejection, uncaught exception, the client's
// 'error' event) ends the process non-zero at once.
import assert from 'node:assert/strict';
import { Client, Events, GatewayIntentBits } from 'discord.js';

export const env = process.env;
export const BASE = env.SD_BASE;

export function die(what, err) {
  console.log(`FAIL ${what}: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
}

process.on('unhandledRejection', (err) => die('unhandledRejection', err));
process.on('uncaughtException', (err) => die('uncaughtException', err));

const ALL_INTENTS = Object.values(GatewayIntentBits).filter((v) => typeof v === 'number');
const QUIET = new Set([Events.Debug, Events.Raw, Events.CacheSweep, Events.Error, Events.Warn, Events.ShardError]);

// A stock client with every intent; remembers every event it emits with its arguments.
export class Judge {
  constructor(label) {
    this.label = label;
    this.seen = [];
    this.client = new Client({ intents: ALL_INTENTS, rest: { api: `${BASE}/api`, cdn: BASE } });
    for (const name of new Set(Object.values(Events))) {
      if (!QUIET.has(name)) this.client.on(name, (...args) => this.seen.push([name, args]));
    }
    this.client.on(Events.Error, (err) => die(`${label}: client 'error' event`, err));
    this.client.on(Events.ShardError, (err) => die(`${label}: client 'shardError' event`, err));
    this.client.on(Events.Warn, (msg) => console.log(`warn ${label}: ${msg}`));
  }

  async login(token) {
    const ready = new Promise((resolve) => this.client.once(Events.ClientReady, resolve));
    await this.client.login(token);
    await withTimeout(ready, 30000, `${this.label}: ready`);
  }

  mark() {
    return this.seen.length;
  }

  // The arguments of the first event `name` after `since` that match; fails after the timeout.
  async wait(name, match = () => true, since = 0, timeout = 10000) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const [event, args] of this.seen.slice(since)) {
        if (event === name && match(...args)) return args;
      }
      await sleep(50);
    }
    const got = this.seen.slice(since).map(([event]) => event);
    throw new Error(`${this.label}: no matching '${name}' within ${timeout} ms (saw ${JSON.stringify(got)})`);
  }

  async destroy() {
    await this.client.destroy();
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// One REST call as a person (their token); returns { status, body }.
export async function rest(token, method, path, body) {
  const headers = { Authorization: token };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${BASE}/api/v10${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// What the server stored, read back by a person: the body of a GET that must answer `status`.
export async function stored(token, path, status = 200) {
  const r = await rest(token, 'GET', path);
  assert.equal(r.status, status, `GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function register(stem) {
  const username = `${stem}_${Math.random().toString(16).slice(2, 12)}`;
  const res = await fetch(`${BASE}/api/v10/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery' }),
  });
  assert.equal(res.status, 201, `register: ${res.status}`);
  const body = await res.json();
  return { id: body.user_id, token: body.token, username };
}

const failures = [];

// Runs one step; prints one line saying how it went.
export async function step(name, fn) {
  try {
    await withTimeout(Promise.resolve().then(fn), 20000, name);
    console.log(`ok ${name}`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
  }
}

export function failed() {
  return failures;
}
