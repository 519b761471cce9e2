/**
 * Deployment wire shapes: which version of a model answers the requests that
 * name no version (the champion), and what its challenger does: nothing
 * (`none`), run in the shadow of the champion's traffic (`shadow`), or answer
 * a sticky share of the keys (`ab`); and the promotion of a challenger (of
 * one model, or of several together) and the rollback to the previous champion.
 */
import { z } from 'zod';

export const DEPLOYMENT_MODES = ['none', 'shadow', 'ab'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];

const Mode = z
  .enum(DEPLOYMENT_MODES)
  .describe(
    "none: the champion answers every request naming no version. shadow: the challenger also runs on a copy of the champion's traffic after the answer is sent, logged with source shadow and never returned. ab: the challenger answers challenger_share of the keys, chosen by a salted hash of the key.",
  );
const Share = z.number().min(0).max(1).describe('The share of keys the challenger answers in ab mode, in [0, 1].');

export const Deployment = z
  .object({
    model: z.string(),
    champion: z.string().describe('The version answering requests that name no version.'),
    previous_champion: z
      .string()
      .nullable()
      .describe(
        'The version a rollback returns to: the champion before the last change of champion; it stays loaded. null when there is none (never changed, or just rolled back).',
      ),
    challenger: z.string().nullable(),
    mode: Mode,
    challenger_share: Share,
    since: z.iso.datetime().nullable().describe('When the deployment was set; null for the default (none set: the newest version is the champion).'),
  })
  .meta({ id: 'Deployment' });
export type Deployment = z.infer<typeof Deployment>;

export const DeploymentRequest = z
  .strictObject({
    champion: z.string().min(1).describe('A version the server serves.'),
    challenger: z.string().min(1).nullable().optional().describe('A version the server serves, other than the champion; required for shadow and ab.'),
    mode: Mode,
    challenger_share: Share.optional().describe('Required for ab; 0 when left out otherwise.'),
  })
  .meta({ id: 'DeploymentRequest' });
export type DeploymentRequest = z.infer<typeof DeploymentRequest>;

const Version = z.string().min(1).max(256);

export const PromoteRequest = z
  .strictObject({
    version: Version.optional().describe("The version to make the champion; default: the model's current challenger."),
    together: z
      .array(
        z.strictObject({
          model: z.string().min(1).max(256),
          version: Version.optional().describe("Default: that model's current challenger."),
        }),
      )
      .max(16)
      .optional()
      .describe('Other models promoted in the same transaction (a pair that works together): all change, or none does.'),
  })
  .meta({ id: 'PromoteRequest' });
export type PromoteRequest = z.infer<typeof PromoteRequest>;

export const PromoteResponse = z
  .object({
    promotions: z.array(Deployment).describe("Each model's new deployment, the model of the path first."),
  })
  .meta({ id: 'PromoteResponse' });
export type PromoteResponse = z.infer<typeof PromoteResponse>;
