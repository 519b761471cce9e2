/** Static int8 QDQ quantization of a float ONNX classifier, calibrated on sample inputs. */
import { calibrate } from './calibrate';
import { encodeModel, type Onnx } from '../onnx/onnx-model';
import { checkQuantizable } from './operators';
import { quantizeToQdq, type QdqOptions } from './qdq';
import type { Samples } from '../onnx/samples-file';

export async function quantizeModel(model: Onnx.IModelProto, calibration: Samples, options: QdqOptions = { reduceRange: true }): Promise<Uint8Array> {
  checkQuantizable(model);
  const ranges = await calibrate(model, calibration);
  return encodeModel(quantizeToQdq(model, ranges, options));
}
