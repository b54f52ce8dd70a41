import { test, expect, hydrated, newRequest, advance, completeStep, openWall, wallCount, quietHours, heldBytes, signed } from './fixtures';

// A wall screen left running: 24 simulated hours with a move every 10 minutes from another browser.
// Playwright's clock moves the page's time a minute at a time: every timer of the page (the 1 s
// clock, the 0.5 s connection check, the 2 s save) runs at each step, 1,440 times in all. (Running
// every timer at every simulated second, 260,000 runs, takes longer than the suite may.) The JS heap
// after the day must be within 10 % of the heap after the first hour. The bundle's own (wasm) memory
// only grows, to the most the page ever needed, so a small leak hides inside it: the bundle's
// allocator counts the bytes it holds (`__pantauAllocated`). Over the day that count grows with the
// event texts kept to save (until 2,000, then a fresh snapshot); over quiet days without moves it
// must stay flat. Prints all.

const MINUTE = 60_000;
const EVERY = 10; // minutes between moves
const HOURS = 24;

test('the wall runs 24 simulated hours of moves without growing its memory', async ({ page, browser }) => {
  test.setTimeout(5 * MINUTE);
  await page.goto('/');
  await hydrated(page);
  const { context, wall } = await openWall(page, browser, { clock: true });
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
  const cdp = await context.newCDPSession(wall);
  const memory = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    // The bundle's memory (it only grows, to the most the page ever needed), and its allocator's
    // count of the bytes it holds now.
    const wasm = await wall.evaluate(() => (window as any).__pantauMemory.buffer.byteLength as number);
    // The least of three counts a quarter of a second apart (real time): work under way when
    // one is taken (a message being read, a column drawn in full before it is measured) holds
    // bytes for a moment; a leak is in all three.
    const counts = [];
    for (let i = 0; i < 3; i++) {
      if (i > 0) await wall.waitForTimeout(250);
      counts.push(await heldBytes(wall));
    }
    return { js: usedSize, wasm, held: Math.min(...counts), counts };
  };
  // Each card's clock as the wall shows it, and the late strip's count: a card turning late draws
  // a line more (more to hold, not a leak).
  const shown = () => wall.evaluate(() => JSON.stringify({
    cards: [...document.querySelectorAll('.wall-card')].map((c) => `${c.getAttribute('data-card')}:${c.getAttribute('data-status')}`).sort(),
    counts: [...document.querySelectorAll('[data-testid="wall-step-counts"]')].map((c) => c.textContent),
    late: document.querySelector('[data-testid="late-strip"] .n')?.textContent,
  }));

  // Each card: registered at step 2, moved to 3, 4, 5, then returned at 5 (so the board stays the
  // same size while the log grows). The wall must show each move before the clock runs on.
  const counts: Record<string, number> = {};
  for (const step of ['2', '3', '4', '5']) counts[step] = await wallCount(wall, step);
  let card = '';
  let at = '';
  let n = 0;
  const move = async () => {
    if (!at) {
      card = await newRequest(page, 800 + n++, 'tu');
      at = '2';
      counts['2'] += 1;
    } else if (at === '5') {
      await completeStep(page.request, card, '5', 'subkor_ile', { kind: 'review', decision: 'no', reason: 'Data kurang lengkap' });
      counts['5'] -= 1;
      at = '';
    } else {
      await advance(page.request, card, at);
      const next = { '2': '3', '3': '4', '4': '5' }[at]!;
      counts[at] -= 1;
      counts[next] += 1;
      at = next;
    }
    for (const step of Object.keys(counts)) {
      await expect.poll(() => wallCount(wall, step), { message: `step ${step} after move ${n}` }).toBe(counts[step]);
    }
  };

  let firstHour = { js: 0, wasm: 0, held: 0, counts: [0] };
  const started = Date.now();
  for (let minute = 0; minute < HOURS * 60; minute++) {
    if (minute % EVERY === 0) await move();
    await wall.clock.fastForward(MINUTE);
    if (minute + 1 === 60) firstHour = await memory();
    if ((minute + 1) % 360 === 0) console.log(`  ${(minute + 1) / 60} simulated hours, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const lastHour = await memory();
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
  const moves = (HOURS * 60) / EVERY;
  const mib = (b: number) => (b / 1048576).toFixed(2);
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(100 * (b / a - 1)).toFixed(1)} %`;
  console.log(`wall soak: ${HOURS} simulated hours, ${moves} moves, ${((Date.now() - started) / 1000).toFixed(0)} s real time`);
  console.log(`  JS heap after hour 1: ${mib(firstHour.js)} MiB, after hour ${HOURS}: ${mib(lastHour.js)} MiB (${pct(firstHour.js, lastHour.js)})`);
  console.log(`  wasm memory after hour 1: ${mib(firstHour.wasm)} MiB, after hour ${HOURS}: ${mib(lastHour.wasm)} MiB (${pct(firstHour.wasm, lastHour.wasm)}: the board and the texts of the ${moves} events it kept to save)`);
  expect(lastHour.js).toBeLessThanOrEqual(firstHour.js * 1.1);

  // Then quiet days (the clock runs, nothing moves): time alone must not hold more memory. The
  // first office opening and closing on this board may settle a little once (every timer redrawn),
  // so: 72 quiet hours first (any 72 hours hold a whole working day, whatever day the suite runs),
  // then 24 more, over which the memory must not grow at all and the allocator may hold at most
  // 1 KiB more inside it (a view redrawn every
  // second with a reactive text inside held 35 KB more per day here: 48 bytes a redraw, left in
  // the language signal's list of readers).
  // Quiet means the cameras too: every probe (each camera every 2 s of real time) sends the wall a
  // change. They are switched off for the quiet days, and back on after. And a day in which a card
  // turned late (or its office opened: another state) is not quiet: then one more day is counted,
  // up to four. (CI held 18–26 KB more in about one run in three; see the note.)
  const feed = await (await page.request.get('/api/cameras')).json();
  const probed: string[] = feed.cameras.filter((c: any) => c.enabled).map((c: any) => c.id);
  const enable = async (enabled: boolean) => {
    for (const id of probed) {
      expect((await page.request.post(`/api/cameras/${id}/enabled`, { data: { enabled } })).ok()).toBe(true);
    }
  };
  await enable(false);
  let settled = lastHour, quiet = lastHour, steady = false;
  try {
    await quietHours(wall, 72);
    quiet = await memory();
    for (let day = 0; day < 4 && !steady; day++) {
      settled = quiet;
      const before = await shown();
      await quietHours(wall, 24);
      quiet = await memory();
      steady = (await shown()) === before;
      if (!steady) console.log(`  a card changed state on quiet day ${day + 1} (held ${signed(quiet.held - settled.held)} bytes): not counted`);
    }
  } finally {
    await enable(true);
  }
  expect(steady, 'a quiet day in which no card changed state').toBe(true);
  console.log(`  before the quiet day counted (72 hours or more without moves): JS heap ${mib(settled.js)} MiB (${pct(lastHour.js, settled.js)}), wasm memory ${mib(settled.wasm)} MiB (${pct(lastHour.wasm, settled.wasm)}), held by the allocator ${settled.held} bytes (${pct(lastHour.held, settled.held)})`);
  console.log(`  after it: JS heap ${mib(quiet.js)} MiB (${pct(settled.js, quiet.js)}), wasm memory ${mib(quiet.wasm)} MiB (${pct(settled.wasm, quiet.wasm)}), held by the allocator ${quiet.held} bytes (${signed(quiet.held - settled.held)}; counts ${settled.counts} then ${quiet.counts})`);
  expect(settled.js).toBeLessThanOrEqual(lastHour.js * 1.1);
  expect(quiet.js).toBeLessThanOrEqual(settled.js * 1.1);
  expect(quiet.wasm).toBe(settled.wasm);
  expect(quiet.held - settled.held).toBeLessThanOrEqual(1024);
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
  await context.close();
});
