// Peers the browser tests start themselves: a stand-in of Telegram's Bot API (its HTTP/JSON
// protocol: getUpdates long polling, sendMessage), and a second Pantau server started with
// settings of the test's own (serve.sh, as the suite's server, on a fresh data directory).
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';

export type SentMessage = { chat_id: string; text: string; reply_markup?: unknown };

/** A Bot API stand-in: what Pantau sends is kept; `say` queues a chat message for getUpdates. */
export class BotApi {
  sent: SentMessage[] = [];
  private updates: { update_id: number; message: object }[] = [];
  private waiting: (() => void)[] = [];
  private nextId = 1;
  private constructor(private server: http.Server, readonly url: string, readonly token: string) {}

  static async start(token: string): Promise<BotApi> {
    let api: BotApi | undefined;
    const server = http.createServer((req, res) => api!.handle(req, res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as net.AddressInfo).port;
    api = new BotApi(server, `http://127.0.0.1:${port}`, token);
    return api;
  }

  /** A person writes `text` to the bot from chat `chat`. */
  say(chat: number, username: string, text: string) {
    this.updates.push({ update_id: this.nextId++, message: { message_id: this.nextId, date: Math.floor(Date.now() / 1000), text, chat: { id: chat, type: 'private', username } } });
    this.waiting.splice(0).forEach((wake) => wake());
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const answer = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!match || match[1] !== this.token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const args = body ? JSON.parse(body) : {};
      if (match[2] === 'sendMessage') {
        this.sent.push({ chat_id: String(args.chat_id), text: args.text, reply_markup: args.reply_markup });
        return answer(200, { ok: true, result: { message_id: this.sent.length, date: 0, chat: { id: Number(args.chat_id) }, text: args.text } });
      }
      if (match[2] === 'getUpdates') {
        const offset = Number(args.offset ?? 0);
        const fresh = () => this.updates.filter((u) => u.update_id >= offset);
        if (fresh().length === 0) {
          // Long polling: hold the request until a message comes or the timeout (capped at 2 s here).
          await new Promise<void>((wake) => {
            this.waiting.push(wake);
            setTimeout(wake, Math.min(Number(args.timeout ?? 0), 2) * 1000);
          });
        }
        return answer(200, { ok: true, result: fresh() });
      }
      answer(404, { ok: false, error_code: 404, description: 'Not Found' });
    });
  }

  /** The first message sent to `chat` that passes `test`, waiting up to `ms`. */
  async message(chat: number, test: (text: string) => boolean, ms = 10_000): Promise<SentMessage> {
    const until = Date.now() + ms;
    for (;;) {
      const found = this.sent.find((m) => m.chat_id === String(chat) && test(m.text));
      if (found) return found;
      if (Date.now() > until) throw new Error(`no such message to ${chat}: ${JSON.stringify(this.sent)}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }

  close() {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** A push service stand-in: every push a server sends to it is kept (its headers and size). */
export class PushServiceStandIn {
  received: { path: string; headers: http.IncomingHttpHeaders; bytes: number }[] = [];
  private constructor(private server: http.Server, readonly url: string) {}

  static async start(): Promise<PushServiceStandIn> {
    let me: PushServiceStandIn | undefined;
    const server = http.createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        me!.received.push({ path: req.url ?? '', headers: req.headers, bytes });
        res.writeHead(201);
        res.end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    me = new PushServiceStandIn(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    return me;
  }

  close() {
    this.server.closeAllConnections();
    this.server.close();
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

/** Another Pantau server with the suite's accounts and `env` over the suite's settings. */
export class OtherServer {
  private constructor(private child: ChildProcess, readonly url: string, readonly dir: string) {}

  /** `toml`: a pantau.toml of its own (PANTAU_CONFIG). */
  static async start(env: Record<string, string>, toml?: string): Promise<OtherServer> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-e2e-other-'));
    if (toml !== undefined) {
      fs.writeFileSync(path.join(dir, 'pantau.toml'), toml);
      env = { ...env, PANTAU_CONFIG: path.join(dir, 'pantau.toml') };
    }
    const repo = path.resolve(__dirname, '..', '..');
    const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'pantau-target');
    const bin = process.env.PANTAU_BIN ?? path.join(targetDir, 'release', 'pantau');
    const site = process.env.PANTAU_SITE_ROOT ?? path.join(repo, 'target', 'site');
    const log = fs.openSync(path.join(dir, 'other.log'), 'w');
    const child = spawn('bash', [path.join(__dirname, '..', 'serve.sh'), bin, String(port), dir, site], {
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
      detached: true,
    });
    const url = `http://127.0.0.1:${port}`;
    const until = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch { /* not yet listening */ }
      if (Date.now() > until || child.exitCode !== null) {
        throw new Error(`the other server did not start: ${fs.readFileSync(path.join(dir, 'other.log'), 'utf8').slice(-2000)}`);
      }
      await new Promise((ok) => setTimeout(ok, 200));
    }
    return new OtherServer(child, url, dir);
  }

  stop() {
    // serve.sh execs the server; the group also holds its tee.
    try { process.kill(-this.child.pid!, 'SIGTERM'); } catch { /* gone already */ }
  }
}
