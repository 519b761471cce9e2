/**
 * Open Inference Protocol (KServe V2) over REST: health, metadata, readiness
 * and infer, with the binary tensor data extension, in a plugin of its own so
 * that its body parsing and its answers' exact content type stay on these routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InferenceRequest, InferenceResponse, ModelMetadata, ModelReady, ServerLive, ServerMetadata, ServerReady } from '../../src/core/api/oip';
import type { RouteOptions } from '../context';
import { binaryTail, registerOipBodyParsers, sendBinary } from '../http/oip/body';
import { ERROR_RESPONSES, handParsed } from '../http/schemas';
import { registerAfterReply } from './after-reply';
import type { ServingModel } from '../serving/model';
import { parseInferRequest } from '../serving/inference/oip-tensors';
import { SERVER_NAME, SERVER_VERSION } from '../version';

export const PLATFORM = 'onnx_onnxv1';

const ModelParams = z.object({ model: z.string().min(1) });
const VersionParams = ModelParams.extend({ version: z.string().min(1) });
const tags = ['Open Inference Protocol'];

const tensorMetadata = (spec: ServingModel['input']) => ({ name: spec.name, datatype: 'FP32', shape: spec.shape });

/** The protocol extensions /v2 advertises. */
export const EXTENSIONS = ['model_repository', 'binary_tensor_data'];

const BINARY_DESCRIPTION =
  'Also takes the binary tensor data extension: a body with no Content-Type, application/json or application/octet-stream whose ' +
  "first Inference-Header-Content-Length bytes are this JSON, with the input's `data` replaced by `parameters.binary_data_size` and its " +
  "little-endian FP32 bytes after the JSON. With `parameters.binary_data_output` (or an output's `parameters.binary_data`) true, the answer is " +
  'application/octet-stream: this JSON, the output carrying `parameters.binary_data_size` instead of `data`, then the logits as little-endian FP32.';

export const oipRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  const { registry, config } = context;
  registerOipBodyParsers(app);
  const afterReply = registerAfterReply(app);

  app.get('/v2/health/live', { schema: { tags, summary: 'Liveness', response: { 200: ServerLive } } }, async () => ({ live: true }));
  app.get(
    '/v2/health/ready',
    { schema: { tags, summary: 'Readiness: every model loaded and warm, and not shutting down', response: { 200: ServerReady, 503: ServerReady } } },
    async (_request, reply) => {
      // Not ready while a model's inference thread restarts: a balancer sends traffic elsewhere meanwhile.
      const ready = registry.ready && !context.shuttingDown && registry.all().every((m) => m.stats().available);
      return reply.code(ready ? 200 : 503).send({ ready });
    },
  );
  const serverMetadata = async () => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: EXTENSIONS });
  app.get('/v2', { schema: { tags, summary: 'Server metadata', response: { 200: ServerMetadata } } }, serverMetadata);
  // KServe's specification writes the path "/v2/": the same answer, documented once as /v2.
  app.get('/v2/', { schema: { hide: true, response: { 200: ServerMetadata } } }, serverMetadata);

  const metadata = async (request: { params: { model: string; version?: string } }) => {
    const { model: name, version } = request.params;
    const model = registry.resolve(name, version ?? context.deployments.routing(name).champion);
    return {
      name,
      versions: registry.versions(name),
      platform: PLATFORM,
      inputs: [tensorMetadata(model.input)],
      outputs: [tensorMetadata(model.output)],
    };
  };
  const metadataResponse = { 200: ModelMetadata, ...ERROR_RESPONSES };
  app.get(
    '/v2/models/:model',
    { schema: { tags, summary: "Model metadata (the deployment champion's tensors)", params: ModelParams, response: metadataResponse } },
    metadata,
  );
  app.get(
    '/v2/models/:model/versions/:version',
    { schema: { tags, summary: 'Model version metadata', params: VersionParams, response: metadataResponse } },
    metadata,
  );

  const ready = async (request: { params: { model: string; version?: string } }) => {
    const { model: name, version } = request.params;
    const model = registry.resolve(name, version ?? context.deployments.routing(name).champion);
    return { name: model.entry.name, version: model.entry.version, ready: !context.shuttingDown && model.stats().available };
  };
  const readyResponse = { 200: ModelReady, ...ERROR_RESPONSES };
  app.get('/v2/models/:model/ready', { schema: { tags, summary: 'Model readiness', params: ModelParams, response: readyResponse } }, ready);
  app.get(
    '/v2/models/:model/versions/:version/ready',
    { schema: { tags, summary: 'Model version readiness', params: VersionParams, response: readyResponse } },
    ready,
  );

  /** OIP instances carry no keys: each row is logged as "<request id>/<row>" (the body's id, else the request id). */
  const logAnswer = (
    request: FastifyRequest,
    reply: FastifyReply,
    model: ServingModel,
    parsed: { id?: string | undefined; rows: number; input: Float32Array },
    logits: Float32Array,
  ) => {
    if (!context.evaluation) return;
    const base = parsed.id ?? request.id;
    const classes = model.classes;
    const width = model.rowSize;
    context.evaluation.recordAnswer({
      model: model.entry.name,
      version: model.entry.version,
      source: 'cloud',
      signature: 'oip_infer',
      time: Date.now(),
      requestId: request.id,
      latencyMs: reply.elapsedTime,
      keys: Array.from({ length: parsed.rows }, (_, row) => `${base}/${row}`),
      scores: (row) => logits.subarray(row * classes, (row + 1) * classes),
      scoresAreLogits: true,
      input: (row) => parsed.input.subarray(row * width, (row + 1) * width),
    });
  };
  const infer = async (request: FastifyRequest<{ Params: { model: string; version?: string } }>, reply: FastifyReply) => {
    const { model: name, version } = request.params;
    // Naming no version, the request follows the deployment; its rows carry no keys, so it is routed whole by its id.
    const routing = version === undefined ? context.deployments.routing(name) : undefined;
    const champion = registry.resolve(name, routing ? routing.champion : version);
    const parsed = parseInferRequest(request.body, champion, config.maxInstances, binaryTail(request));
    const chosen = routing?.versionFor(parsed.id ?? request.id);
    const model = chosen === undefined || chosen === champion.entry.version ? champion : registry.resolve(name, chosen);
    const logits = await model.infer(parsed.input, parsed.rows, config.requestTimeoutMs);
    logAnswer(request, reply, model, parsed, logits);
    if (routing?.shadow !== undefined) {
      const shadow = routing.shadow;
      const base = parsed.id ?? request.id;
      // The input is copied after the answer is sent; the request's buffers stay referenced until then.
      afterReply(request, () =>
        context.shadow.submit({
          model: name,
          version: shadow,
          keys: Array.from({ length: parsed.rows }, (_, row) => `${base}/${row}`),
          input: parsed.input.slice(),
          signature: 'oip_infer',
          requestId: request.id,
        }),
      );
    }
    const head = { model_name: model.entry.name, model_version: model.entry.version, ...(parsed.id !== undefined ? { id: parsed.id } : {}) };
    const output = { name: model.output.name, datatype: 'FP32', shape: [parsed.rows, model.classes] };
    if (parsed.binaryOutput) return sendBinary(reply, { ...head, outputs: [{ ...output, parameters: { binary_data_size: logits.byteLength } }] }, [logits]);
    return reply.send({ ...head, outputs: [{ ...output, data: Array.from(logits) }] });
  };
  const inferSchema = (params: typeof ModelParams | typeof VersionParams, summary: string) => ({
    tags,
    summary,
    description: BINARY_DESCRIPTION,
    params,
    body: handParsed(InferenceRequest),
    response: { 200: InferenceResponse, ...ERROR_RESPONSES },
  });
  app.post(
    '/v2/models/:model/infer',
    {
      schema: inferSchema(
        ModelParams,
        "Infer with the deployment's champion (in ab mode, its challenger for a share of request ids): one FP32 tensor in, logits out",
      ),
    },
    infer,
  );
  app.post('/v2/models/:model/versions/:version/infer', { schema: inferSchema(VersionParams, 'Infer with a named version') }, infer);
};
