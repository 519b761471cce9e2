/**
 * `report`: a model's windows over the last hours or days, from the store
 * (the same computation the monitoring route runs) or from a server's
 * GET /v1/monitoring/models/{m}/windows. The range is widened to whole
 * windows (from the window boundary before `now - since` to the one after
 * now), so rows start on the clock's minutes, hours or days and the current,
 * unfinished window is shown too.
 */
import { parseArgs } from 'node:util';
import { WINDOW_NAMES, WindowsResponse } from '../../../src/core/api/evaluation';
import { loadConfig, type ServerConfig } from '../../config';
import { openDatabase } from '../../db/open';
import { ModelLayouts } from '../layouts';
import { LOG_SOURCES } from '../log/records';
import { WINDOW_SIZES, windows, type WindowQuery, type WindowSize } from '../windows/windows';
import { requestJson } from './http';
import type { Io } from '../../cli/io';
import { windowsTable } from './report-table';
import { parseServer, parseSince } from './usage';
import { oneOf, UsageError } from '../../cli/args';

/** Windows per report at most, as the monitoring route allows. */
export const MAX_WINDOWS = 10_000;

/** The whole windows covering [now - since, now]. */
export function reportRange(now: number, sinceMs: number, window: WindowSize): { from: Date; to: Date } {
  const size = WINDOW_SIZES[window];
  return { from: new Date(Math.floor((now - sinceMs) / size) * size), to: new Date(Math.ceil((now + 1) / size) * size) };
}

export async function storeWindows(config: ServerConfig, q: WindowQuery): Promise<WindowsResponse> {
  const layouts = await ModelLayouts.load(config.modelRegistry);
  if (!layouts.entry(q.model)) {
    const names = [...new Set(layouts.all().map((e) => e.name))];
    throw new Error(`no model ${JSON.stringify(q.model)} in the model manifest (it lists ${names.join(', ')})`);
  }
  const db = await openDatabase(config.evaluation.store);
  try {
    return { model: q.model, windows: await windows(db, q, layouts.of, config.evaluation.minLabels) };
  } finally {
    await db.close();
  }
}

export async function serverWindows(server: string, token: string | undefined, q: WindowQuery, notice: (line: string) => void): Promise<WindowsResponse> {
  const params = new URLSearchParams({ from: q.from.toISOString(), to: q.to.toISOString(), window: q.window });
  if (q.version !== undefined) params.set('version', q.version);
  if (q.source !== undefined) params.set('source', q.source);
  const url = `${server}/v1/monitoring/models/${encodeURIComponent(q.model)}/windows?${params.toString()}`;
  return WindowsResponse.parse(await requestJson(url, { method: 'GET' }, { token, notice }));
}

export async function reportCommand(args: string[], io: Io, now = Date.now()): Promise<number> {
  // Strict, without positionals: anything but the flags below is a usage error.
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      model: { type: 'string' },
      since: { type: 'string', default: '24h' },
      window: { type: 'string', default: '1h' },
      version: { type: 'string' },
      source: { type: 'string' },
      server: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.model) throw new UsageError('report needs --model <name>');
  const window = oneOf('window', values.window, WINDOW_NAMES);
  const source = values.source === undefined ? undefined : oneOf('source', values.source, LOG_SOURCES);
  if (values.version === '') throw new UsageError('--version: must not be empty');
  const server = values.server === undefined ? undefined : parseServer(values.server);
  const { from, to } = reportRange(now, parseSince(values.since), window);
  const count = (to.getTime() - from.getTime()) / WINDOW_SIZES[window];
  if (count > MAX_WINDOWS) throw new UsageError(`${count} windows of ${window} in ${values.since}; at most ${MAX_WINDOWS}: widen --window or shorten --since`);

  const config = loadConfig(io.env);
  const q: WindowQuery = { model: values.model, from, to, window, version: values.version, source };
  const answer = server ? await serverWindows(server, config.adminToken, q, io.err) : await storeWindows(config, q);
  if (values.json) {
    io.out(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  }
  io.err(
    `${answer.model}: windows of ${window} from ${from.toISOString()} to ${to.toISOString()}${answer.windows.length === 0 ? ': none (no predictions logged in the range)' : ''}`,
  );
  io.out(windowsTable(answer.windows));
  return 0;
}
