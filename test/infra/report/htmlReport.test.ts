import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/fixtures.js';
import { baselineVersion, simulatedTrajectories, smallSuite } from '../../support/learningFixtures.js';

const CHROMIUM = '/usr/bin/chromium';

describe('memabra report --html', () => {
  it('writes one self-contained page that renders in headless Chromium, draws its charts, fetches nothing and logs no errors', async () => {
    // .ci/run installs Debian's chromium; the test must never pass by skipping it.
    expect(existsSync(CHROMIUM)).toBe(true);
    const dir = tempDir();
    expect(runCli(['--dir', dir, 'init']).code).toBe(0);
    const seed = join(dir, 'seed.jsonl');
    writeFileSync(seed, simulatedTrajectories(baselineVersion(), 0, 2500, 3).map((t) => JSON.stringify(t)).join('\n'));
    const benchmark = join(dir, 'bench.json');
    writeFileSync(benchmark, JSON.stringify(smallSuite(200)));
    expect(runCli(['--dir', dir, 'record', seed]).code).toBe(0);
    expect(runCli(['--dir', dir, 'cycle', '--benchmark', benchmark, '--dry-run']).code).toBe(0);
    expect(runCli(['--dir', dir, 'cycle', '--benchmark', benchmark]).code).toBe(0);
    expect(runCli(['--dir', dir, 'rollback', 'v1', '--reason', 'checking the report']).code).toBe(0);
    const page = join(dir, 'report.html');
    const written = runCli(['--dir', dir, 'report', '--html', page]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/^wrote .*report.html: 3 versions, 4 timeline entries/);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      tab.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      tab.on('pageerror', (error) => problems.push(error.message));
      tab.on('request', (request) => requests.push(request.url()));
      await tab.goto(pathToFileURL(page).href);
      expect(await tab.title()).toMatch(/^memabra audit report/);
      expect(await tab.locator('#reward-chart polyline.live').count()).toBeGreaterThanOrEqual(1);
      expect(await tab.locator('#reward-chart circle.bench').count()).toBe(4);
      const categories = new Set(smallSuite(200).tasks.map((t) => t.category)).size;
      expect(categories).toBeGreaterThanOrEqual(2);
      expect(await tab.locator('#category-chart rect.bar').count()).toBe(2 * categories);
      const box = await tab.locator('#reward-chart').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(await tab.locator('#timeline > li.promoted').count()).toBe(1);
      expect(await tab.locator('#timeline > li.dry-run').count()).toBe(1);
      expect(await tab.locator('#timeline > li.rolled-back').innerText()).toContain('checking the report');
      expect(problems).toEqual([]);
      expect(requests).toEqual([pathToFileURL(page).href]);
    } finally {
      await browser.close();
    }
  });
});
