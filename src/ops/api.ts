/**
 * The dashboard's client of the server: the monitoring, alert and batch-job
 * routes with the admin token, `/metrics`, and the model registry's manifest
 * (every version).
 * Every JSON answer is parsed with its wire schema from src/core/api, so an
 * answer of the wrong shape is an error here, named, not a blank chart later.
 * A 401 or 403 is an AuthError: the page asks for the token again.
 */
import type { z } from 'zod';
import { AlertsResponse } from '../core/api/alerts';
import { BatchJobCreated, BatchJobList, BatchJobStatus } from '../core/api/batch';
import { readErrorBody } from '../core/api/errors';
import { CascadeResponse, ConfusionResponse, WindowsResponse, type WINDOW_NAMES } from '../core/api/evaluation';
import { parseManifest, type Manifest } from '../core/manifest';

export type WindowName = (typeof WINDOW_NAMES)[number];
export type Windows = z.infer<typeof WindowsResponse>;
export type MonitoringWindow = Windows['windows'][number];
export type Confusion = z.infer<typeof ConfusionResponse>;
export type Cascade = z.infer<typeof CascadeResponse>;
export type Alerts = z.infer<typeof AlertsResponse>;
export type BatchJob = z.infer<typeof BatchJobStatus>;
export type BatchOutput = 'predictions' | 'errors';

export interface RangeQuery {
  readonly from: string;
  readonly to: string;
  readonly version?: string | undefined;
  readonly source?: string | undefined;
}

/** The server refused the token (401 UNAUTHORIZED) or has the admin API off (403 ADMIN_DISABLED). */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class OpsApi {
  constructor(private readonly token: string) {}

  /** Fetches with the token; a refusal of the token is an AuthError, any other error an ApiError with the server's message. */
  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers, cache: 'no-store' });
    } catch (error) {
      throw new ApiError(`${path}: the server cannot be reached (${error instanceof Error ? error.message : String(error)})`, 0);
    }
    if (response.ok) return response;
    const body = readErrorBody(await response.json().catch(() => undefined));
    const message = body ? `${body.message}${body.code ? ` (${body.code})` : ''}` : `status ${response.status}`;
    if (response.status === 401 || response.status === 403) throw new AuthError(message, response.status, body?.code);
    throw new ApiError(`${path} answered ${response.status}: ${message}`, response.status);
  }

  private async json<T>(schema: z.ZodType<T>, path: string, init?: RequestInit): Promise<T> {
    const response = await this.request(path, init);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        `${path}: the answer is not of the expected shape (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable'})`,
        response.status,
      );
    }
    return parsed.data;
  }

  windows(model: string, range: RangeQuery & { readonly window: WindowName }): Promise<Windows> {
    return this.json(WindowsResponse, `/v1/monitoring/models/${encodeURIComponent(model)}/windows${query({ ...range })}`);
  }

  confusion(model: string, range: RangeQuery): Promise<Confusion> {
    return this.json(ConfusionResponse, `/v1/monitoring/models/${encodeURIComponent(model)}/confusion${query({ ...range })}`);
  }

  cascade(range: { readonly from: string; readonly to: string; readonly window?: WindowName }): Promise<Cascade> {
    return this.json(CascadeResponse, `/v1/monitoring/cascade${query({ ...range })}`);
  }

  alerts(filter: { readonly since?: string; readonly model?: string }): Promise<Alerts> {
    return this.json(AlertsResponse, `/v1/monitoring/alerts${query({ ...filter })}`);
  }

  /** The server's Prometheus text. */
  async metrics(): Promise<string> {
    return (await this.request('/metrics')).text();
  }

  async batchJobs(): Promise<BatchJob[]> {
    return (await this.json(BatchJobList, '/v1/batch-jobs')).jobs;
  }

  /** Starts a job over an uploaded file: the options as form fields, the file as the part "input". */
  async createBatchJob(form: FormData): Promise<string> {
    return (await this.json(BatchJobCreated, '/v1/batch-jobs', { method: 'POST', body: form })).id;
  }

  cancelBatchJob(id: string): Promise<BatchJob> {
    return this.json(BatchJobStatus, `/v1/batch-jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  /** A job's predictions or errors (JSONL) as committed so far. */
  async batchOutput(id: string, kind: BatchOutput): Promise<Blob> {
    return (await this.request(`/v1/batch-jobs/${encodeURIComponent(id)}/${kind}`)).blob();
  }
}

const REGISTRY_MANIFEST_URL = '/models/registry.json';

/**
 * The model registry's manifest (public, no token): the models, every version, roles and labels. Not the
 * app's /models/manifest.json, which lists each model's champion alone.
 */
export async function fetchManifest(): Promise<Manifest> {
  const response = await fetch(REGISTRY_MANIFEST_URL, { cache: 'no-cache' });
  if (!response.ok) throw new ApiError(`${REGISTRY_MANIFEST_URL} answered ${response.status}`, response.status);
  return parseManifest(await response.json());
}
