import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { badRequest, notFound } from '../http/errors';
import { occlusionMap } from '../inference/explain';
import { parseInstances, type ParsedInstance } from '../inference/instances';
import { isRecord } from '../inference/json';
import { ConcurrencyLimiter } from '../inference/limiter';
import { inferRows } from '../inference/run';
import { parseSignature, predictionsFrom, type Prediction } from '../inference/signatures';
import type { LoadedModel } from '../repository/loaded-model';

/** The keyed API: `POST /v1/models/{m}[/versions/{v}]:predict`. */
interface Params {
  model?: string;
  target: string;
}

/** The last path segment is "<name or version>:<verb>"; only the verb "predict" exists. */
function splitVerb(segment: string): { id: string; verb: string } {
  const at = segment.lastIndexOf(':');
  return at < 0 ? { id: segment, verb: '' } : { id: segment.slice(0, at), verb: segment.slice(at + 1) };
}

export function registerPredictRoutes(app: FastifyInstance, context: ServerContext): void {
  const { repository, config } = context;
  const explainLimiter = new ConcurrencyLimiter(config.explain.concurrency, config.explain.maxWaiting, 'explain');
  const run = (model: LoadedModel) => (input: Float32Array, rows: number) => inferRows(model, input, rows, config.requestTimeoutMs);

  const explain = (model: LoadedModel, instances: ParsedInstance[]): Promise<Prediction[]> =>
    explainLimiter.run(async () => {
      const predictions: Prediction[] = [];
      for (const instance of instances) {
        // The occlusion runs include the untouched input, so its logits come with the map.
        const { explanation, logits } = await occlusionMap(model, instance.input, run(model));
        predictions.push({ ...(predictionsFrom([instance.key], logits, model, 'serving_default')[0] as Prediction), explanation });
      }
      return predictions;
    });

  const predict = async (request: { params: Params; body: unknown; method: string; url: string }) => {
    const { id, verb } = splitVerb(request.params.target);
    if (verb !== 'predict') throw notFound(`no route ${request.method} ${request.url}; did you mean ":predict"?`);
    const model = request.params.model === undefined ? repository.resolve(id) : repository.resolve(request.params.model, id);
    const body = request.body;
    if (!isRecord(body)) {
      throw badRequest('body must be a JSON object: {"instances": [{"key": "...", "pixels": [...]}], "signature"?: "..."}');
    }
    const { instances, signature: rawSignature, ...rest } = body;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw badRequest(`unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')}; expected "instances" and "signature"`);
    const signature = parseSignature(rawSignature);
    const limit = signature === 'explain' ? config.explain.maxInstances : config.maxInstances;
    const parsed = parseInstances(instances, model, limit, signature);

    let predictions: Prediction[];
    if (signature === 'explain') {
      predictions = await explain(model, parsed);
    } else {
      const input = new Float32Array(parsed.length * model.rowSize);
      parsed.forEach((p, i) => input.set(p.input, i * model.rowSize));
      const logits = await inferRows(model, input, parsed.length, config.requestTimeoutMs);
      predictions = predictionsFrom(parsed.map((p) => p.key), logits, model, signature);
    }
    return { model: model.entry.name, model_version: model.entry.version, signature, predictions };
  };
  app.post<{ Params: Params }>('/v1/models/:target', predict);
  app.post<{ Params: Params }>('/v1/models/:model/versions/:target', predict);
}
