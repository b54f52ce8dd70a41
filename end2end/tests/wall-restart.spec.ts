import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { request as playwrightRequest } from '@playwright/test';
import { test, expect, hydrated, wallCount, pushOne } from './fixtures';

// A server of this test's own (the suite's shared one cannot be restarted): the wall must ride
// through a restart of it, keep showing the board meanwhile, and catch up after.
const repo = path.resolve(__dirname, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'pantau-target');
const bin = process.env.PANTAU_BIN ?? path.join(targetDir, 'release', 'pantau');
const siteRoot = process.env.PANTAU_SITE_ROOT ?? path.join(repo, 'target', 'site');
const PASSWORD = 'restart-uji-2026-panjang';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function start(data: string, port: number): Promise<ChildProcess> {
  const child = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--data-dir', data, '--site-root', siteRoot],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, RUST_LOG: 'warn' } });
  await new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk) => { out += chunk; if (out.includes('Pantau siap')) ok(); });
    child.on('exit', (code) => fail(new Error(`pantau exited with ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((ok) => child.on('exit', ok));
  child.kill('SIGTERM');
  await exited;
}

test('the wall rides through a server restart: it says it is reconnecting, keeps the board, and catches up', async ({ browser }) => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-restart-'));
  execFileSync(bin, ['user', 'add', 'restart.staf', '--role', 'tu,kepala_dinas', '--password-stdin', '--data-dir', data],
    { input: `${PASSWORD}\n` });
  const printed = execFileSync(bin, ['kiosk', 'create', 'tv-restart', '--data-dir', data]).toString();
  const token = /token=([^\s)]+)/.exec(printed)![1];
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await start(data, port);

  const api = await playwrightRequest.newContext({ baseURL: base });
  expect((await api.post('/api/auth/login', { data: { username: 'restart.staf', password: PASSWORD } })).status()).toBe(200);
  const card = randomUUID();
  const start7 = new Date(Date.now() + 3 * 86400_000);
  const push = ({ role, m }: { role: string, m: object }) => pushOne(api, role, m);
  await push({ role: 'tu', m: { type: 'create_request', card, request: {
    letter_number: '000.8/RESTART/2026', letter_date: '2026-11-27', agency: 'Dinas Perhubungan', contact_name: 'Budi',
    contact_phone: '0812 3456 7890', subject: 'Uji restart', purpose: 'Uji', cameras: ['Simpang Tugu Naga'],
    window_start: start7.toISOString(), window_end: new Date(start7.getTime() + 4 * 3600_000).toISOString(), documents: [] } } });

  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, storageState: { cookies: [], origins: [] } });
  const wall = await context.newPage();
  await wall.goto(`${base}/wall?token=${token}`);
  await hydrated(wall);
  const badge = wall.getByTestId('connection');
  await expect(badge).toHaveText('Tersinkron');
  await expect.poll(() => wallCount(wall, '2')).toBe(1);

  await stop(server);
  await expect(badge).toContainText('Menyambung ulang', { timeout: 10_000 });
  expect(await wallCount(wall, '2'), 'the board stays on screen').toBe(1);

  server = await start(data, port);
  await expect(badge).toHaveText('Tersinkron', { timeout: 20_000 });
  // A move after the restart reaches the wall.
  await push({ role: 'tu', m: { type: 'complete_step', card, step: '2', output: { kind: 'received' } } });
  await expect.poll(() => wallCount(wall, '3'), { timeout: 5_000 }).toBe(1);
  expect(await wallCount(wall, '2')).toBe(0);

  await context.close();
  await api.dispose();
  await stop(server);
  fs.rmSync(data, { recursive: true, force: true });
});
