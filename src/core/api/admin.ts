/**
 * Admin API wire shapes: the model repository extension of the Open Inference
 * Protocol (Triton's extension_model_repository): index, load and unload.
 * Request bodies are optional, as the extension allows; the field names are
 * the extension's. Load answers what it loaded (the extension leaves the
 * success body open); unload answers `{}`, like the extension's empty
 * RepositoryModelUnloadResponse.
 */
import { z } from 'zod';

export const RepositoryIndexRequest = z
  .strictObject({
    ready: z.boolean().optional().describe('Only the versions ready for inference (default false: every version the manifest lists).'),
  })
  .meta({ id: 'repository_index_request' });
export type RepositoryIndexRequest = z.infer<typeof RepositoryIndexRequest>;

/** READY: loaded and serving. UNAVAILABLE: listed but not serving; `reason` says why. */
export const MODEL_STATES = ['READY', 'UNAVAILABLE'] as const;
export type ModelState = (typeof MODEL_STATES)[number];

export const RepositoryIndexEntry = z
  .object({
    name: z.string(),
    version: z.string(),
    state: z.enum(MODEL_STATES),
    reason: z.string().describe('Why the version is in its state; empty when it is READY.'),
  })
  .meta({ id: 'repository_index_entry' });
export type RepositoryIndexEntry = z.infer<typeof RepositoryIndexEntry>;

export const RepositoryIndexResponse = z
  .array(RepositoryIndexEntry)
  .describe('One entry per model version, by name and then version.')
  .meta({ id: 'repository_index_response' });
export type RepositoryIndexResponse = z.infer<typeof RepositoryIndexResponse>;

export const RepositoryLoadRequest = z
  .strictObject({
    parameters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Must be empty: versions load from the model manifest, so the extension\'s "config" and "file:..." overrides are refused.'),
  })
  .meta({ id: 'repository_load_request' });
export type RepositoryLoadRequest = z.infer<typeof RepositoryLoadRequest>;

export const ModelLoadResponse = z
  .object({
    model: z.string(),
    loaded: z.array(z.string()).describe('Versions loaded by this call.'),
    serving: z.array(z.string()).describe('Every version now served, oldest first.'),
  })
  .meta({ id: 'ModelLoadResponse' });
export type ModelLoadResponse = z.infer<typeof ModelLoadResponse>;

export const RepositoryUnloadRequest = z
  .strictObject({
    parameters: z
      .strictObject({
        unload_dependents: z.boolean().optional().describe('Accepted; no model here depends on another, so it changes nothing.'),
      })
      .optional(),
  })
  .meta({ id: 'repository_unload_request' });
export type RepositoryUnloadRequest = z.infer<typeof RepositoryUnloadRequest>;

export const RepositoryUnloadResponse = z.strictObject({}).meta({ id: 'repository_unload_response' });
export type RepositoryUnloadResponse = z.infer<typeof RepositoryUnloadResponse>;
