import { test, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { watchPage, hydrated, newRequest, advance } from './fixtures';

/** The board this browser saved: the head (`pantau.board`: version, when, the events since the
 * snapshot) and, from layout 4 on, the snapshot under its own key. */
function savedBoard(page: Page): Promise<{ version?: number; saved_at?: string; snapshot_seq?: number; events?: unknown[]; snapshot?: unknown; stored_snapshot?: any }> {
  return page.evaluate(() => {
    const head = JSON.parse(localStorage.getItem('pantau.board') ?? '{}');
    const snapshot = localStorage.getItem('pantau.board.snapshot');
    return { ...head, stored_snapshot: snapshot === null ? undefined : JSON.parse(snapshot) };
  });
}

/** Opens the board, live, with the service worker controlling the page and the board saved in this
 * browser (current layout, 4); returns how many cards it shows. */
async function openBoardSavedHere(page: Page): Promise<number> {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Tersinkron');
  const cards = await page.locator('section[data-step] .card').count();
  expect(cards).toBeGreaterThan(0);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await expect.poll(async () => (await savedBoard(page)).version, { timeout: 10_000 }).toBe(4);
  return cards;
}

/** A new request registered by TU (at step 2), which another user then moves on to step 3, through
 * the API; returns the card on this page once it shows the move live. */
async function moveLive(page: Page, request: APIRequestContext, n: number): Promise<Locator> {
  const card = await newRequest(page, n, 'tu');
  await advance(request, card, '2');
  const moved = page.locator(`section[data-step="3"] [data-card="${card}"]`);
  await expect(moved).toBeVisible();
  return moved;
}

test('reloading while offline still shows the board this browser saw, and it comes back live', async ({ page, context, request }) => {
  // While offline the API cannot answer: those failures are expected here, nothing else is.
  let offline = false;
  const trouble = watchPage(page);
  const cards = await openBoardSavedHere(page);
  const badge = page.getByTestId('connection');

  // A new card and a move arrive live after the snapshot: they must survive the offline reload too.
  const moved = await moveLive(page, request, 701);
  await expect
    .poll(async () => (await savedBoard(page)).events?.length ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(0);

  offline = true;
  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('section[data-step] .card')).toHaveCount(cards + 1);
  await expect(moved).toBeVisible();
  await expect(badge).toContainText('Offline · data dari');

  // "Tugas saya", never opened online: its page comes from what the worker kept at install, and it
  // lists the card that moved.
  const id = await moved.getAttribute('data-card');
  await page.goto('/tugas');
  await hydrated(page);
  await expect(page.locator(`.task-card[data-card="${id}"]`)).toHaveCount(1);
  await expect(badge).toContainText('Offline · data dari');
  // So did the code of the pages and forms loaded when first used (the split files): every file
  // the split manifest names is in the worker's cache.
  const missing = await page.evaluate(async () => {
    const manifest = await (await caches.match('/pkg/__wasm_split_manifest.json'))?.json();
    const files = [...new Set(Object.values(manifest ?? {}).flat() as string[])];
    const absent = [];
    for (const file of files) if (!(await caches.match(`/pkg/${file}.wasm`))) absent.push(file);
    return { files: files.length, absent };
  });
  expect(missing.files).toBeGreaterThan(0);
  expect(missing.absent).toEqual([]);

  offline = false;
  await context.setOffline(false);
  await expect(badge).toHaveText('Tersinkron', { timeout: 15_000 });
  expect(trouble.pageErrors).toEqual([]);
  const unexpected = trouble.failedRequests.filter((r) => !(r.includes('/api/') || r.includes('net::ERR_INTERNET_DISCONNECTED')));
  expect(unexpected, `offline=${offline}`).toEqual([]);
});

// Layout 2 held the server's texts as escaped JSON strings inside one object; layout 3 held them
// inline, the snapshot too. A browser upgraded from either still shows its board offline.
for (const layout of [2, 3]) {
  test(`a board saved by an earlier version (layout ${layout}) still shows offline after an upgrade, and is saved anew`, async ({ page, context }) => {
    const trouble = watchPage(page);
    const cards = await openBoardSavedHere(page);
    const seq = (await savedBoard(page)).snapshot_seq;

    // Written as the old version did, from a page of this site without the app (which would save
    // over it), then the board opened with the network gone: only this browser's copy can show it.
    await page.goto('/favicon.svg');
    await page.evaluate((layout) => {
      const head = JSON.parse(localStorage.getItem('pantau.board')!);
      const snapshot = JSON.parse(localStorage.getItem('pantau.board.snapshot')!);
      const text = (v: unknown) => (layout === 2 ? JSON.stringify(v) : v);
      localStorage.setItem('pantau.board', JSON.stringify({
        version: layout, saved_at: head.saved_at, snapshot: text(snapshot), events: head.events.map(text),
      }));
      localStorage.removeItem('pantau.board.snapshot');
    }, layout);
    expect((await savedBoard(page)).version).toBe(layout);
    await context.setOffline(true);
    await page.goto('/');
    await hydrated(page);
    await expect(page.locator('section[data-step] .card')).toHaveCount(cards);
    await expect(page.getByTestId('connection')).toContainText('Offline · data dari');

    await context.setOffline(false);
    await expect(page.getByTestId('connection')).toHaveText('Tersinkron', { timeout: 15_000 });
    await expect.poll(async () => {
      const saved = await savedBoard(page);
      return [saved.version, saved.snapshot, saved.snapshot_seq, saved.stored_snapshot?.seq];
    }, { timeout: 10_000 }).toEqual([4, undefined, seq, seq]);
    expect(trouble.pageErrors).toEqual([]);
  });
}

test('a move saves only the small head: the snapshot stays as it was, and a reload offline shows the move', async ({ page, context, request }) => {
  const trouble = watchPage(page);
  await openBoardSavedHere(page);
  // Marks the stored snapshot: if the page wrote it again, the mark would be gone.
  const before = await savedBoard(page);
  await page.evaluate(() => {
    const snapshot = JSON.parse(localStorage.getItem('pantau.board.snapshot')!);
    localStorage.setItem('pantau.board.snapshot', JSON.stringify({ ...snapshot, mark: 'untouched' }));
  });

  const moved = await moveLive(page, request, 702);
  await expect.poll(async () => (await savedBoard(page)).events?.length ?? 0, { timeout: 10_000 })
    .toBeGreaterThan(before.events?.length ?? 0);
  const after = await savedBoard(page);
  expect(after.stored_snapshot.mark).toBe('untouched');
  expect(after.snapshot_seq).toBe(before.snapshot_seq);

  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(moved).toBeVisible();
  await expect(page.getByTestId('connection')).toContainText('Offline · data dari');
  await context.setOffline(false);
  expect(trouble.pageErrors).toEqual([]);
});

test('a saved head whose snapshot is older than its events need is dropped, and the board comes from the server', async ({ page }) => {
  const trouble = watchPage(page);
  const cards = await openBoardSavedHere(page);
  // From a page of this site without the app, which would save over it.
  await page.goto('/favicon.svg');
  await page.evaluate(() => {
    const head = JSON.parse(localStorage.getItem('pantau.board')!);
    localStorage.setItem('pantau.board', JSON.stringify({ ...head, snapshot_seq: head.snapshot_seq + 1000 }));
  });
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Tersinkron');
  await expect(page.locator('section[data-step] .card')).toHaveCount(cards);
  // Saved anew, whole.
  await expect.poll(async () => {
    const saved = await savedBoard(page);
    return saved.snapshot_seq !== undefined && saved.snapshot_seq === saved.stored_snapshot?.seq;
  }, { timeout: 10_000 }).toBe(true);
  expect(trouble.pageErrors).toEqual([]);
});
