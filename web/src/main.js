// The SimpleDiscord web client: sign-in, then guilds, channels, messages and members, kept live by the gateway.
// The data lives in one store (store/), fed by gateway events and REST answers; the views (one module each,
// in a folder per feature) draw it when the store says it changed, and call actions.
import { start } from './app/session.js';

start();
