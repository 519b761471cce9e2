import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { parseInferRequest } from '../inference/oip-tensors';
import { inferRows } from '../inference/run';
import type { LoadedModel } from '../repository/loaded-model';

/** Open Inference Protocol (KServe V2) over REST. */
export const SERVER_NAME = 'edge-cloud-digits';
export const SERVER_VERSION = '0.1.0';
export const PLATFORM = 'onnx_onnxv1';

interface ModelParams {
  model: string;
  version?: string;
}

const tensorMetadata = (spec: LoadedModel['input']) => ({ name: spec.name, datatype: 'FP32', shape: spec.shape });

export function registerOipRoutes(app: FastifyInstance, context: ServerContext): void {
  const { repository, config } = context;

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = repository.ready && !context.shuttingDown;
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/v2', async () => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: ['model_repository'] }));

  const metadata = async (request: { params: ModelParams }) => {
    const { model: name, version } = request.params;
    const model = repository.resolve(name, version);
    return {
      name,
      versions: repository.versions(name),
      platform: PLATFORM,
      inputs: [tensorMetadata(model.input)],
      outputs: [tensorMetadata(model.output)],
    };
  };
  app.get<{ Params: ModelParams }>('/v2/models/:model', metadata);
  app.get<{ Params: ModelParams }>('/v2/models/:model/versions/:version', metadata);

  const ready = async (request: { params: ModelParams }) => {
    const model = repository.resolve(request.params.model, request.params.version);
    return { name: model.entry.name, version: model.entry.version, ready: !context.shuttingDown };
  };
  app.get<{ Params: ModelParams }>('/v2/models/:model/ready', ready);
  app.get<{ Params: ModelParams }>('/v2/models/:model/versions/:version/ready', ready);

  const infer = async (request: { params: ModelParams; body: unknown }) => {
    const model = repository.resolve(request.params.model, request.params.version);
    const parsed = parseInferRequest(request.body, model, config.maxInstances);
    const logits = await inferRows(model, parsed.input, parsed.rows, config.requestTimeoutMs);
    return {
      model_name: model.entry.name,
      model_version: model.entry.version,
      ...(parsed.id !== undefined ? { id: parsed.id } : {}),
      outputs: [{ name: model.output.name, datatype: 'FP32', shape: [parsed.rows, model.classes], data: Array.from(logits) }],
    };
  };
  app.post<{ Params: ModelParams }>('/v2/models/:model/infer', infer);
  app.post<{ Params: ModelParams }>('/v2/models/:model/versions/:version/infer', infer);
}
