import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/chromium.js';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/fixtures.js';
import { writeManyVersionsLog } from '../../support/manyVersionsLog.js';

type Box = { x: number; y: number; width: number; height: number };
type Version = { id: string; label: string; parentId: string | null; status: string; benchmark: { meanReward: number } | null };

const VERSIONS = 50;

/** Pairs of boxes that cover each other by more than a hair (touching is fine). */
function overlapping(boxes: readonly (Box & { name: string })[]): string[] {
  const found: string[] = [];
  boxes.forEach((a, i) =>
    boxes.slice(i + 1).forEach((b) => {
      const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (w > 0.5 && h > 0.5) found.push(`${a.name} / ${b.name}`);
    }),
  );
  return found;
}

/** The boxes of the elements, each named by its version, seq or text, for the failure message. */
const boxesOf = (tab: Page, selector: string) =>
  tab.$$eval(selector, (elements) =>
    elements.map((el) => {
      const r = el.getBoundingClientRect();
      const owner = el.closest('[data-version],[data-seq]');
      const name = owner?.getAttribute('data-version') ?? owner?.getAttribute('data-seq') ?? el.textContent ?? '';
      return { name: `${name} ${el.textContent ?? ''}`.trim(), x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );

describe('memabra report --html, on a log of fifty router versions', () => {
  let dir: string;
  let browser: Browser;
  let tab: Page;
  let versions: Version[];
  let written: { code: number | null; stdout: string };
  let screenshot: Buffer;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = tempDir();
    await writeManyVersionsLog(dir, VERSIONS);
    const listed = runCli(['--dir', dir, 'versions', '--json']);
    expect(listed.code).toBe(0);
    versions = JSON.parse(listed.stdout) as Version[];
    written = runCli(['--dir', dir, 'report', '--html', join(dir, 'report.html')]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/^wrote .*report\.html: 50 versions, \d+ timeline entries/);
    // A system Chromium, or the one shipped in a dev dependency: the test never passes by skipping it.
    browser = await launchChromium();
    tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    tab.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    tab.on('pageerror', (error) => problems.push(error.message));
    tab.on('request', (request) => requests.push(request.url()));
    await tab.goto(pathToFileURL(join(dir, 'report.html')).href);
    // Saved beside the log, for a person to look at when the test fails.
    screenshot = await tab.screenshot({ path: join(dir, 'report.png'), fullPage: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('is one self-contained page: it renders, fetches nothing and logs no errors', async () => {
    expect(await tab.title()).toMatch(/^memabra audit report/);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(join(dir, 'report.html')).href]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).not.toMatch(/<script|<link|src=|url\(/i);
    // A PNG of the whole page, as wide as the window, and tall enough to hold all of it.
    expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
    expect(screenshot.readUInt32BE(16)).toBe(1280);
    expect(screenshot.readUInt32BE(20)).toBeGreaterThan(2000);
  });

  it('draws axes with ticks and labels, and fits the reward axis to the scores instead of 0 to 1', async () => {
    for (const chart of ['#reward-chart', '#timeline-chart', '#category-chart']) {
      for (const box of await boxesOf(tab, `${chart} .axis-line`)) expect(box.width + box.height).toBeGreaterThan(100);
    }
    expect(await tab.locator('#reward-chart .y-axis').count()).toBe(2);
    const yTicks = (await tab.locator('#benchmark-panel .y-axis .tick-label').allTextContents()).map(Number);
    const xTicks = (await tab.locator('#reward-chart .x-axis .tick-label').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
    for (const ticks of [yTicks, xTicks]) {
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      expect(ticks.every((t, i) => i === 0 || t > ticks[i - 1]!)).toBe(true);
    }
    const scores = versions.flatMap((v) => (v.benchmark ? [v.benchmark.meanReward] : []));
    expect(yTicks[0]!).toBeLessThanOrEqual(Math.min(...scores) + 0.01);
    expect(yTicks.at(-1)!).toBeGreaterThanOrEqual(Math.max(...scores) - 0.01);
    expect(yTicks.at(-1)! - yTicks[0]!).toBeLessThan(0.3);
    expect(await tab.locator('#reward-chart .axis-title').count()).toBe(3);
  });

  it("draws every version's series with a size, in the chart and in the table that is its legend", async () => {
    expect(versions).toHaveLength(VERSIONS);
    for (const v of versions) {
      const marks = await boxesOf(tab, `#reward-chart [data-version="${v.label}"]`);
      expect(marks.length, v.label).toBeGreaterThan(0);
      // A line of the step has no height, but each version also has a marker or dots with an area.
      for (const m of marks) expect(m.width + m.height, v.label).toBeGreaterThan(0);
      expect(
        marks.some((m) => m.width * m.height > 0),
        v.label,
      ).toBe(true);
      expect(await tab.locator(`#versions tr[data-version="${v.label}"]`).count(), v.label).toBe(1);
    }
    const routed = versions.filter((v) => v.status === 'promoted' || v.status === 'active' || v.label === 'v1');
    expect(routed.length).toBeGreaterThanOrEqual(5);
    // Every version that routed has a colour of its own.
    const strokes = await tab.$$eval('#reward-chart line.span', (lines) => lines.map((l) => [l.getAttribute('data-version'), l.getAttribute('stroke')]));
    const colourOf = new Map(strokes as [string, string][]);
    expect(new Set(colourOf.values()).size).toBe(colourOf.size);
    expect(colourOf.size).toBe(routed.length);
    // A rejected (or dry-run) challenger is drawn in the colour of the version it challenged: grouped by lineage.
    const labelOf = new Map(versions.map((v) => [v.id, v.label]));
    for (const v of versions.filter((x) => x.status === 'rejected')) {
      const stroke = await tab.$eval(`#reward-chart .challenger[data-version="${v.label}"] > :is(circle, path, rect)`, (mark) => mark.getAttribute('stroke'));
      expect(stroke, v.label).toBe(colourOf.get(labelOf.get(v.parentId!)!));
    }
  });

  it('hides no point under another and no label under another', async () => {
    const markers = await boxesOf(tab, '#reward-chart .challenger > :not(title):not(text)');
    expect(markers.length).toBeGreaterThanOrEqual(VERSIONS - 2);
    expect(overlapping(markers)).toEqual([]);
    expect(overlapping(await boxesOf(tab, '#reward-chart .challenger-label'))).toEqual([]);
    expect(overlapping(await boxesOf(tab, '#reward-chart .span-label'))).toEqual([]);
    expect(overlapping(await boxesOf(tab, '#reward-chart .live-point'))).toEqual([]);
    for (const lane of await tab.locator('#timeline-chart .lane').all()) {
      const kind = await lane.getAttribute('data-kind');
      const marks = await boxesOf(tab, `#timeline-chart .lane[data-kind="${kind}"] .event > :not(title):not(text)`);
      expect(overlapping(marks), kind!).toEqual([]);
      expect(overlapping(await boxesOf(tab, `#timeline-chart .lane[data-kind="${kind}"] .event-label`)), kind!).toEqual([]);
    }
  });

  it('writes the values on the page, so none needs hovering to be read', async () => {
    const spanLabels = await tab.locator('#reward-chart .span-label').allTextContents();
    for (const v of versions.filter((x) => x.status === 'promoted' || x.status === 'active')) {
      expect(
        spanLabels.some((t) => t.startsWith(`${v.label} ${v.benchmark!.meanReward.toFixed(3)}`)),
        v.label,
      ).toBe(true);
    }
    const challengerLabels = new Set(await tab.locator('#reward-chart .challenger-label').allTextContents());
    for (const v of versions.filter((x) => x.status === 'rejected')) expect(challengerLabels.has(v.label), v.label).toBe(true);
    for (const v of versions.filter((x) => x.benchmark)) {
      expect(await tab.locator(`#versions tr[data-version="${v.label}"] td.num`).nth(1).innerText(), v.label).toBe(v.benchmark!.meanReward.toFixed(3));
    }
    const rows = await tab.locator('#category-chart .category').all();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      expect(await row.locator('.category-mark').count()).toBe(2);
      expect(await row.locator('.value').first().textContent()).toMatch(/^\d\.\d{3} → \d\.\d{3}$/);
    }
  });

  it('shows the timeline of promotions, rejections, rollbacks, the dry run, the skip and the failure, as lanes and as a list', async () => {
    const entries = Number(/(\d+) timeline entries/.exec(written.stdout)![1]);
    expect(await tab.locator('#timeline-chart .event').count()).toBe(entries);
    expect(await tab.locator('#timeline > li').count()).toBe(entries);
    for (const kind of ['promoted', 'rejected', 'rolled-back', 'dry-run', 'skipped', 'failed']) {
      expect(await tab.locator(`#timeline-chart .lane[data-kind="${kind}"] .event`).count(), kind).toBeGreaterThan(0);
    }
    expect(await tab.locator('#timeline > li.rolled-back').first().innerText()).toContain('live reward dropped');
    expect(await tab.locator('#timeline > li.failed').innerText()).toContain('out of memory while training');
  });
});
