import { test as base, expect, Page, APIRequestContext, Locator } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

/** What went wrong in the browser while a test ran. */
export type BrowserTrouble = { consoleErrors: string[]; pageErrors: string[]; failedRequests: string[] };

/** Collects console errors, uncaught page errors and failed or 4xx/5xx requests of a page. */
export function watchPage(page: Page, allowStatus: (url: string, status: number) => boolean = () => false): BrowserTrouble {
  const trouble: BrowserTrouble = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') trouble.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => trouble.pageErrors.push(String(err)));
  page.on('requestfailed', (req) => trouble.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowStatus(res.url(), res.status())) {
      trouble.failedRequests.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
    }
  });
  return trouble;
}

/**
 * Every test gets a page that fails the test on any console error, page error or failed request.
 */
export const test = base.extend<{ trouble: BrowserTrouble }>({
  trouble: [
    async ({ page }, use) => {
      const trouble = watchPage(page);
      await use(trouble);
      expect(trouble, 'the browser reported no errors').toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the WebAssembly bundle has taken over the server-rendered page. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 15_000 });
}

/** Starts counting what `page` loads of the app's bundle (its JavaScript and WebAssembly under
 * /pkg/); the function returned gives those URLs. A page the server renders whole loads none. */
export function bundleLoads(page: Page): () => string[] {
  const urls: string[] = [];
  page.on('request', (r) => { if (/\/pkg\/[^?]*\.(js|wasm)(\?|$)/.test(r.url())) urls.push(r.url()); });
  return () => urls;
}

/** Saves a screenshot under end2end/screenshots/ for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(__dirname, '..', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The SOP's steps in order, as the board must show them. */
export const SOP_STEPS = ['1', '2', '3', '4', '5', '5a', '6', '7'];

/** The browser state of the test account holding every role (made by sign-in.setup.ts). */
export const SIGNED_IN = path.join(__dirname, '..', 'test-results', '.auth', 'semua.json');

/** The password of every test account (set in playwright.config.ts, used by serve.sh). */
export const PASSWORD = process.env.PANTAU_E2E_PASSWORD ?? '';

/** The test accounts by role (see serve.sh). */
export const ACCOUNTS = {
  pemohon: 'e2e.pemohon',
  tu: 'e2e.tu',
  kepala_dinas: 'e2e.kadis',
  kabid_aptika: 'e2e.kabid',
  subkor_ile: 'e2e.subkor',
  operator_tcmr: 'e2e.operator',
  admin: 'e2e.admin',
} as const;
export type RoleName = keyof typeof ACCOUNTS;

/** Signs in through the login page, as a person does; ends on the hydrated board. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/masuk');
  await hydrated(page);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await hydrated(page);
  await expect(page.getByTestId('user')).toBeVisible();
}

/** A new request through the API with this page's session, by the applicant (at step 1) or TU
 * (registered: at step 2): the card id. */
export async function newRequest(page: Page, n: number, role = 'pemohon', agency = 'Dinas Perhubungan'): Promise<string> {
  const card = randomUUID();
  await pushOne(page.request, role, { type: 'create_request', card, request: letter(n, agency) });
  return card;
}

/** The letter of test request `n` (a monitoring window three days from now), in `agency`'s name. */
export function letter(n: number, agency = 'Dinas Perhubungan') {
  const start = new Date(Date.now() + 3 * 86400_000);
  const end = new Date(start.getTime() + 4 * 3600_000);
  return {
    letter_number: `000.8/E2E-${n}/DISHUB/2026`, letter_date: '2026-11-27', agency,
    contact_name: 'Budi', contact_phone: '0812 3456 7890', subject: `Permohonan monitoring uji ${n}`,
    purpose: 'Kelancaran lalu lintas', cameras: ['Simpang Tugu Naga', 'Jl. Diponegoro'],
    window_start: start.toISOString(), window_end: end.toISOString(), documents: [],
  };
}

/** Pushes one mutation in `role` with `request`'s session; the server must accept it. */
export async function pushOne(request: APIRequestContext, role: string, mutation: object) {
  const res = await request.post('/api/sync/push', {
    data: { mutations: [{ id: randomUUID(), actor: 'x', role, device: 'playwright', client_time: new Date().toISOString(), mutation }] },
  });
  const answer = await res.json();
  expect(answer.results[0].status, JSON.stringify(answer)).toBe('accepted');
}


/** Completes a step through the API with `request`'s session, in `role`; it must be accepted. */
export async function completeStep(request: APIRequestContext, card: string, step: string, role: string, output: object) {
  await pushOne(request, role, { type: 'complete_step', card, step, output });
}

/** What each step's performer sends to complete it, through the API (step 5: yes). */
export const STEP_BY_API: Record<string, [string, object]> = {
  '1': ['pemohon', { kind: 'submitted' }],
  '2': ['tu', { kind: 'received' }],
  '3': ['kepala_dinas', { kind: 'disposition', to: 'kabid_aptika', instruction: 'Tindak lanjuti' }],
  '4': ['kabid_aptika', { kind: 'disposition', to: 'subkor_ile', instruction: 'Proses' }],
  '5': ['subkor_ile', { kind: 'review', decision: 'yes', instruction: 'Cek jaringan' }],
  '5a': ['operator_tcmr', { kind: 'check_report', network: 'ok',
    cameras: [{ camera: 'Simpang Tugu Naga', status: 'ok' }, { camera: 'Jl. Diponegoro', status: 'ok' }] }],
};

/** Completes `step` of `card` by its performer, through the API. */
export async function advance(request: APIRequestContext, card: string, step: string) {
  const [role, output] = STEP_BY_API[step];
  await completeStep(request, card, step, role, output);
}

/** A wall screen: a kiosk token made by the Admin (`admin` is signed in as one), opened at
 * `/wall?token=…` in a new browser context of the given size (with Playwright's clock installed
 * first when `clock`), hydrated. */
export async function openWall(admin: Page, browser: import('@playwright/test').Browser,
  { viewport = { width: 1920, height: 1080 }, clock = false } = {}) {
  const name = `tv-${randomUUID().slice(0, 8)}`;
  const created = await admin.request.post('/api/kiosks', { data: { name } });
  expect(created.status()).toBe(201);
  const { token } = await created.json();
  const context = await browser.newContext({ viewport, storageState: { cookies: [], origins: [] } });
  const wall = await context.newPage();
  if (clock) await wall.clock.install();
  await wall.goto(`/wall?token=${token}`);
  await hydrated(wall);
  return { name, token, context, wall };
}

/** How many open cards a wall column counts (the sum of its on time / warning / breached / … counts). */
export async function wallCount(wall: Page, step: string): Promise<number> {
  const numbers = await wall.locator(`.wall-column[data-step="${step}"] [data-testid="wall-step-counts"] .n`).allTextContents();
  return numbers.reduce((sum, n) => sum + parseInt(n, 10), 0);
}

/** Runs a page's clock (installed with `page.clock.install()`) `hours` ahead in 10-minute steps: every
 * timer of the page runs at each step. */
export async function quietHours(page: Page, hours: number): Promise<void> {
  for (let minute = 0; minute < hours * 60; minute += 10) await page.clock.fastForward(10 * 60_000);
}

/** The bytes the page's bundle holds now (its allocator's count). */
export async function heldBytes(page: Page): Promise<number> {
  const counted = await page.evaluate(() => typeof (window as any).__pantauAllocated === 'function');
  if (!counted) {
    throw new Error('this bundle does not count its memory: build it with `cargo leptos build --release --precompress --lib-features hydrate,soak` (.ci/test does)');
  }
  return page.evaluate(() => (window as any).__pantauAllocated() as number);
}

/** A difference with its sign: "+12", "-216", "+0". */
export const signed = (n: number) => `${n >= 0 ? '+' : ''}${n}`;

/** Fills what a move dialog asks a person to decide (the SOP's controls start empty): the
 * suggested instruction, every camera and the network found good, the trial succeeded, a reason
 * for a window longer than step 7's standard, a summary. */
export async function fillStep(dialog: Locator) {
  const suggestion = dialog.getByTestId('use-suggestion');
  if (await suggestion.count()) await suggestion.click();
  for (const select of await dialog.locator('select[name="network"], select[name^="camera-"]').all()) {
    await select.selectOption('ok');
  }
  const trial = dialog.locator('input[name="trial_ok"][value="true"]');
  if (await trial.count()) await trial.check();
  const over = dialog.locator('textarea[name="over_standard"]');
  if (await over.count()) await over.fill('Kegiatan berlangsung empat jam');
  const summary = dialog.locator('textarea[name="summary"]');
  if (await summary.count()) await summary.fill('Monitoring lancar, rekaman diserahkan');
}

/** Subkor ILE moves a step 7 card's confirmed start to a moment from now (through the API), and
 * the test waits for it: a monitoring's report may only be given once it has started. */
export async function startMonitoringNow(request: APIRequestContext, card: string) {
  const start = new Date(Date.now() + 1500);
  const end = new Date(start.getTime() + 2 * 3600_000);
  await pushOne(request, 'subkor_ile', { type: 'reschedule', card, step: '7',
    window: { start: start.toISOString(), end: end.toISOString() }, reason: 'Monitoring dimulai sekarang' });
  await new Promise((r) => setTimeout(r, Math.max(0, start.getTime() - Date.now()) + 200));
}
