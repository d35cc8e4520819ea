// Node-only: a trained virtual sensor → the served form (uint8-quantized model.json + base64
// weights.bin) in memory, exactly what train.mjs writes to disk, so validation scores
// candidates through the same quantized runtime path as the committed models.
import * as tf from "@tensorflow/tfjs-core";
import { quantizeWeights } from "../quantize.js";

/** @param {import('@tensorflow/tfjs-layers').LayersModel} model */
export async function quantizedModelFiles(model) {
  /** @type {tf.io.ModelArtifacts | undefined} */ let art;
  await model.save({
    save: async (a) => {
      art = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    },
  });
  if (!art?.weightSpecs || !art.weightData) throw new Error("model.save produced no weights");
  const { weightSpecs, weightData } = quantizeWeights(art.weightSpecs, tf.io.CompositeArrayBuffer.join(art.weightData));
  const modelJson = {
    format: "layers-model",
    generatedBy: art.generatedBy,
    convertedBy: "FleetPulse models/quantize.js (uint8 affine, tfjs-converter --quantize_uint8 format)",
    modelTopology: art.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: weightSpecs }],
  };
  return { modelJson, weightsBase64: Buffer.from(weightData).toString("base64") };
}
