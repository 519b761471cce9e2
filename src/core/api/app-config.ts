/**
 * What the server announces to the PWA at `GET /v1/app-config`: the settings
 * of the app's side of continued evaluation. The app keeps the last answer,
 * so it follows them offline too.
 */
import { z } from 'zod';

export const AppConfig = z
  .object({
    edge_log_sample_rate: z
      .number()
      .min(0)
      .max(1)
      .describe(
        "Share of edge predictions the app sends to the prediction log, chosen by a hash of the key (the server's own rule); a drawing the user labels is always sent.",
      ),
  })
  .meta({ id: 'AppConfig' });
export type AppConfig = z.infer<typeof AppConfig>;

/** Until the server has answered once: the server's own default. */
export const DEFAULT_APP_CONFIG: AppConfig = { edge_log_sample_rate: 0.2 };
