// uint8 affine weight quantization in the format tfjs-converter's --quantize_uint8 writes:
// each weight spec gets {quantization: {dtype: 'uint8', min, scale, original_dtype: 'float32'}}
// and tfjs-core's io.decodeWeights restores value = q * scale + min.
// Like the converter, the range is "nudged" so that 0.0 maps exactly onto an integer
// (keeps zero biases / padding exactly zero).

/** numpy.round semantics: halves go to the even neighbour. @param {number} x */
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * @param {Float32Array} values
 * @returns {{ data: Uint8Array, min: number, scale: number }}
 */
export function quantizeUint8(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const data = new Uint8Array(values.length);
  if (!(hi > lo)) return { data, min: values.length ? lo : 0, scale: 1 }; // constant tensor
  const scale = (hi - lo) / 255;
  let min = lo;
  let max = hi;
  if (lo <= 0 && hi >= 0) {
    min = -roundHalfEven(-lo / scale) * scale;
    max = 255 * scale + min;
  }
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(Math.max(values[i], min), max);
    data[i] = Math.min(255, Math.max(0, roundHalfEven((v - min) / scale)));
  }
  return { data, min, scale };
}

/**
 * Quantizes every float32 weight of a layers model's (weightSpecs, weightData).
 * @param {import('@tensorflow/tfjs-core').io.WeightsManifestEntry[]} specs
 * @param {ArrayBuffer} buffer float32 weights, concatenated in spec order
 */
export function quantizeWeights(specs, buffer) {
  /** @type {import('./load').QuantizedWeightSpec[]} */ const outSpecs = [];
  /** @type {Uint8Array[]} */ const parts = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== "float32" || spec.quantization) throw new Error(`cannot quantize ${spec.name} (${spec.dtype})`);
    const { name, shape } = spec;
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(buffer.slice(offset, offset + n * 4));
    offset += n * 4;
    const q = quantizeUint8(values);
    parts.push(q.data);
    outSpecs.push({
      name,
      shape,
      dtype: "float32",
      quantization: { dtype: "uint8", min: q.min, scale: q.scale, original_dtype: "float32" },
    });
  }
  if (offset !== buffer.byteLength) throw new Error("weight buffer size does not match specs");
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { weightSpecs: outSpecs, weightData: out.buffer };
}
