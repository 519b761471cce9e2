/** Admin API wire shapes: the model repository extension's load. */
import { z } from 'zod';

export const ModelLoadResponse = z
  .object({
    model: z.string(),
    loaded: z.array(z.string()).describe('Versions loaded by this call.'),
    serving: z.array(z.string()).describe('Every version now served, oldest first.'),
  })
  .meta({ id: 'ModelLoadResponse' });
export type ModelLoadResponse = z.infer<typeof ModelLoadResponse>;
