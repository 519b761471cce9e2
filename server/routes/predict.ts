/**
 * The keyed API: `POST /v1/models/{m}[/versions/{v}]:predict`. PNG instances
 * decode in a pool of threads, and the request deadline (REQUEST_TIMEOUT_MS)
 * covers their decoding and the wait for the model together.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ServiceError } from '../../src/core/api/errors';
import { PredictRequest, PredictResponse, type Prediction, type SignatureName } from '../../src/core/api/predict';
import type { RouteOptions } from '../context';
import type { Routing } from '../serving/deployment/deployments';
import { DecodePool } from '../serving/decode/pool';
import type { OpenApiAlias } from '../http/docs';
import { ERROR_RESPONSES, handParsed } from '../http/schemas';
import { parseInstances, type ParsedInstance } from '../serving/inference/instances';
import { isRecord, quoteNames } from '../serving/inference/json';
import { parseSignature } from '../serving/inference/signatures';
import type { ServingModel } from '../serving/model';
import { registerAfterReply } from './after-reply';

/** The last path segment is "<name or version>:<verb>"; only the verb "predict" exists. */
export function splitVerb(segment: string): { id: string; verb: string } {
  const at = segment.lastIndexOf(':');
  return at < 0 ? { id: segment, verb: '' } : { id: segment.slice(0, at), verb: segment.slice(at + 1) };
}

const Target = z.string().min(1).describe('"<model>:predict" (or "<version>:predict" after /versions/)');
const ModelParams = z.object({ target: Target });
const VersionParams = z.object({ model: z.string().min(1), target: Target });
const ModelName = z.string().min(1);

const schema = (params: typeof ModelParams | typeof VersionParams, summary: string) => ({
  tags: ['Keyed predictions'],
  summary,
  params,
  body: handParsed(PredictRequest),
  response: { 200: PredictResponse, ...ERROR_RESPONSES },
});
// The router sees "<name>:predict" as one parameter; the document shows the verb as Google-style APIs do.
const alias = (url: string, params: z.ZodObject): { openapi: OpenApiAlias } => ({ openapi: { url, params } });

/**
 * The model as a request sees it once its images are decoded: the time
 * decoding took is taken from each call's wait for capacity, so a cheap
 * request's decoding and queueing together stay within its deadline.
 */
function afterDecoding(model: ServingModel, deadline: number, timeoutMs: number): ServingModel {
  const leftMs = Math.floor(deadline - performance.now());
  if (leftMs <= 0) throw new ServiceError('DEADLINE_EXCEEDED', `the request's images were not decoded within the request deadline of ${timeoutMs} ms`);
  return { ...model, infer: (input, rows, callTimeoutMs, ...rest) => model.infer(input, rows, Math.min(callTimeoutMs, leftMs), ...rest) };
}

/**
 * The instances by the version that answers them: all to one version, unless
 * an A/B deployment sends some keys to its challenger (the champion's first).
 */
function versionGroups(
  instances: readonly ParsedInstance[],
  version: string,
  routing: Routing | undefined,
): { version: string; instances: ParsedInstance[] }[] {
  if (routing?.abChallenger === undefined) return [{ version, instances: [...instances] }];
  const champion: ParsedInstance[] = [];
  const challenger: ParsedInstance[] = [];
  for (const instance of instances) (routing.versionFor(instance.key) === routing.champion ? champion : challenger).push(instance);
  return [
    { version: routing.champion, instances: champion },
    { version: routing.abChallenger, instances: challenger },
  ].filter((g) => g.instances.length > 0);
}

export const predictRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { registry, config, predictor } = context;
  // Threads start with the first image and stop with the server.
  const decoder = new DecodePool(config.decodeThreads);
  app.addHook('onClose', () => decoder.close());

  /** Hands the answer to the prediction log (sampled and written later; never awaited). */
  const log = (
    request: { id: string },
    reply: { elapsedTime: number },
    model: ServingModel,
    signature: SignatureName,
    instances: readonly ParsedInstance[],
    predictions: readonly Prediction[],
  ) =>
    context.evaluation?.recordAnswer({
      model: model.entry.name,
      version: model.entry.version,
      source: 'cloud',
      signature,
      time: Date.now(),
      requestId: request.id,
      latencyMs: reply.elapsedTime,
      keys: predictions.map((p) => p.key),
      scores: (row) => predictions[row]?.probabilities ?? predictions[row]?.logits ?? [],
      scoresAreLogits: signature === 'logits',
      input: (row) => (instances[row] as ParsedInstance).input,
    });
  const afterReply = registerAfterReply(app);

  /** The champion's instances, copied, to run on the challenger once the answer is sent. */
  const shadowAfterReply = (request: { id: string }, model: ServingModel, version: string, signature: SignatureName, instances: readonly ParsedInstance[]) => {
    afterReply(request, () => {
      const input = new Float32Array(instances.length * model.rowSize);
      instances.forEach((p, i) => input.set(p.input, i * model.rowSize));
      context.shadow.submit({
        model: model.entry.name,
        version,
        keys: instances.map((p) => p.key),
        input,
        // The shadow runs the model once per instance: explanations are not computed there.
        signature: signature === 'logits' ? 'logits' : 'serving_default',
        requestId: request.id,
      });
    });
  };

  const predict = async (
    request: {
      params: { model?: string; target: string };
      body: unknown;
      method: string;
      url: string;
      id: string;
    },
    reply: { elapsedTime: number },
  ): Promise<PredictResponse> => {
    const deadline = performance.now() + config.requestTimeoutMs;
    const { id, verb } = splitVerb(request.params.target);
    if (verb !== 'predict') throw new ServiceError('NOT_FOUND', `no route ${request.method} ${request.url}; did you mean ":predict"?`);
    const name = request.params.model ?? id;
    // A request naming no version follows the model's deployment; one naming a version gets that version alone.
    const routing = request.params.model === undefined ? context.deployments.routing(name) : undefined;
    const model = registry.resolve(name, routing ? routing.champion : id);
    const body = request.body;
    if (!isRecord(body)) {
      throw new ServiceError('INVALID_REQUEST', 'body must be a JSON object: {"instances": [{"key": "...", "pixels": [...]}], "signature"?: "..."}');
    }
    const { instances, signature: rawSignature, ...rest } = body;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new ServiceError('INVALID_REQUEST', `unknown field(s) ${quoteNames(extra)}; expected "instances" and "signature"`);
    const signature = parseSignature(rawSignature);
    const limit = signature === 'explain' ? config.explain.maxInstances : config.maxInstances;
    const parsed = parseInstances(instances, model, limit, signature, config.maxImagePixels, {
      decode: (job, signal) => decoder.decode(job, signal),
      deadline,
      timeoutMs: config.requestTimeoutMs,
    });
    // Without images, the model is called in the turn of the event loop that resolved it, as unloading expects.
    // After decoding, which took turns, the versions are looked up again and called within one turn.
    const decoded = Array.isArray(parsed) ? undefined : await parsed;
    const groups = versionGroups(decoded ?? (parsed as ParsedInstance[]), model.entry.version, routing);
    const runs = groups.map(({ version, instances }) => {
      const serving = decoded ? registry.resolve(name, version) : version === model.entry.version ? model : registry.resolve(name, version);
      const predicted = predictor.predict(decoded ? afterDecoding(serving, deadline, config.requestTimeoutMs) : serving, instances, signature);
      return { serving, instances, predicted };
    });
    const answers = await Promise.all(runs.map((r) => r.predicted));
    runs.forEach((r, i) => log(request, reply, r.serving, signature, r.instances, answers[i] as Prediction[]));
    if (routing?.shadow !== undefined) shadowAfterReply(request, model, routing.shadow, signature, (runs[0] as (typeof runs)[0]).instances);
    const [only] = runs;
    if (runs.length === 1 && only) return { model: name, model_version: only.serving.entry.version, signature, predictions: answers[0] as Prediction[] };
    // Keys split between champion and challenger: each prediction says which version answered it.
    const byKey = new Map<string, Prediction>();
    runs.forEach((r, i) => (answers[i] as Prediction[]).forEach((p) => byKey.set(p.key, { ...p, model_version: r.serving.entry.version })));
    const order = decoded ?? (parsed as ParsedInstance[]);
    return { model: name, model_version: model.entry.version, signature, predictions: order.map((p) => byKey.get(p.key) as Prediction) };
  };
  app.post(
    '/v1/models/:target',
    {
      schema: schema(ModelParams, "Predict by key with the deployment's champion (in ab mode, its challenger for a share of keys)"),
      config: alias('/v1/models/{model}::predict', z.object({ model: ModelName })),
    },
    predict,
  );
  app.post(
    '/v1/models/:model/versions/:target',
    {
      schema: schema(VersionParams, 'Predict by key with a named version'),
      config: alias('/v1/models/{model}/versions/{version}::predict', z.object({ model: ModelName, version: z.string().min(1) })),
    },
    predict,
  );
};
