/**
 * Open Inference Protocol (KServe V2 REST) wire shapes, named as in KServe's
 * published specification (open_inference_rest.yaml): server and model
 * metadata, readiness, and infer requests and responses. Fields the
 * specification marks required are required here; the server adds `code` to
 * its error bodies and `version` to model readiness, which clients may ignore.
 */
import { z } from 'zod';

/** Datatypes the protocol names; this server's models take and give FP32. */
export const OIP_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;

export const Parameters = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .describe(
    'Binary tensor data extension: `binary_data_size` (bytes of an input or output sent after the JSON), ' +
      '`binary_data` (a requested output as binary) and `binary_data_output` (every output as binary).',
  )
  .meta({ id: 'parameters' });

export const ServerLive = z.object({ live: z.boolean() }).meta({ id: 'server_live_response' });
export const ServerReady = z.object({ ready: z.boolean() }).meta({ id: 'server_ready_response' });

export const ServerMetadata = z.object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) }).meta({ id: 'metadata_server_response' });
export type ServerMetadata = z.infer<typeof ServerMetadata>;

export const MetadataTensor = z
  .object({
    name: z.string(),
    datatype: z.string().describe(`One of ${OIP_DATATYPES.join(', ')}.`),
    shape: z.array(z.number().int()).describe('-1 marks a variable-size axis (the batch).'),
  })
  .meta({ id: 'metadata_tensor' });

export const ModelMetadata = z
  .object({
    name: z.string(),
    versions: z.array(z.string()).optional(),
    platform: z.string(),
    inputs: z.array(MetadataTensor).optional(),
    outputs: z.array(MetadataTensor).optional(),
    properties: z.record(z.string(), z.string()).optional().describe('Free-form model properties; this server sends none.'),
  })
  .meta({ id: 'metadata_model_response' });
export type ModelMetadata = z.infer<typeof ModelMetadata>;

export const ModelReady = z.object({ name: z.string(), version: z.string().optional(), ready: z.boolean() }).meta({ id: 'model_ready_response' });
export type ModelReady = z.infer<typeof ModelReady>;

type TensorData = (number | string | boolean | TensorData)[];
export const TensorData: z.ZodType<TensorData> = z
  .array(z.union([z.number(), z.string(), z.boolean(), z.lazy(() => TensorData)]))
  .describe('Row-major: flat, or nested as the shape.')
  .meta({ id: 'tensor_data' });

/** A tensor with its data: the same fields going in and coming out, named apart as the specification does. */
const tensorFields = {
  name: z.string(),
  shape: z.array(z.number().int()),
  datatype: z.string(),
  parameters: Parameters.optional(),
  data: TensorData,
};

export const RequestInput = z.object(tensorFields).meta({ id: 'request_input' });

export const RequestOutput = z.object({ name: z.string(), parameters: Parameters.optional() }).meta({ id: 'request_output' });

export const InferenceRequest = z
  .object({
    id: z.string().optional(),
    parameters: Parameters.optional(),
    inputs: z.array(RequestInput),
    outputs: z.array(RequestOutput).optional(),
  })
  .meta({ id: 'inference_request' });
export type InferenceRequest = z.infer<typeof InferenceRequest>;

export const ResponseOutput = z.object(tensorFields).meta({ id: 'response_output' });

export const InferenceResponse = z
  .object({
    model_name: z.string(),
    model_version: z.string().optional(),
    id: z.string().optional(),
    parameters: Parameters.optional(),
    outputs: z.array(ResponseOutput),
  })
  .meta({ id: 'inference_response' });
export type InferenceResponse = z.infer<typeof InferenceResponse>;
