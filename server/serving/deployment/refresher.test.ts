/**
 * The deployment refresher's log: versions loaded, a deployment waiting for
 * its versions said once per reason (not every period) and its end said
 * once, a store failure each time; one refresh at a time, and stop() waits
 * for the one in flight.
 */
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Deployments, RefreshReport } from './deployments';
import { refreshDeployments } from './refresher';

function recorder() {
  const lines: string[] = [];
  const at = (level: string) => (details: object, message?: string) =>
    lines.push(`${level} ${message ?? String(details)} ${message === undefined ? '' : JSON.stringify(details)}`.trim());
  return { lines, log: { info: at('info'), warn: at('warn') } as unknown as FastifyBaseLogger };
}

/** Deployments whose refreshes answer `reports` in turn (an Error rejects). */
function scripted(reports: (RefreshReport | Error)[]) {
  let calls = 0;
  let gate: Promise<void> = Promise.resolve();
  const deployments = {
    refresh: async () => {
      calls++;
      await gate;
      const next = reports.shift() ?? { loaded: [], pending: [] };
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as Deployments;
  return {
    deployments,
    calls: () => calls,
    hold() {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return open;
    },
  };
}

const waiting = (reason: string): RefreshReport => ({ loaded: [], pending: [{ model: 'm', reason }] });

describe('the deployment refresher', () => {
  it('logs loads, a wait once per reason and its end once, and every store failure', async () => {
    const { lines, log } = recorder();
    const { deployments } = scripted([
      waiting('no version "2"'),
      waiting('no version "2"'),
      waiting('broken file'),
      { loaded: [{ model: 'm', versions: ['2'] }], pending: [] },
      { loaded: [], pending: [] },
      new Error('store down'),
    ]);
    const refresher = refreshDeployments(deployments, log, 60_000);
    for (let i = 0; i < 6; i++) await refresher.refresh();
    await refresher.stop();
    expect(lines.map((l) => l.replace(/ \{.*$/, ''))).toEqual([
      'warn deployments: its versions are not served here yet; the last served deployment routes',
      'warn deployments: its versions are not served here yet; the last served deployment routes',
      'info deployments: loaded the versions another replica deployed',
      'info deployments: served as stored again',
      'warn deployments: the store could not be read; keeping the last ones',
    ]);
    expect(lines[1]).toContain('"reason":"broken file"');
    expect(lines[2]).toContain('"versions":["2"]');
  });

  it('runs one refresh at a time, and stop() waits for the one in flight', async () => {
    const { log } = recorder();
    const script = scripted([]);
    const refresher = refreshDeployments(script.deployments, log, 60_000);
    const open = script.hold();
    const first = refresher.refresh();
    const second = refresher.refresh();
    expect(second).toBe(first);
    let stopped = false;
    const stopping = refresher.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(script.calls()).toBe(1);
  });
});
