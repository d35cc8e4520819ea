// Hand-written types for prng.js.
export function mulberry32(seed: number): () => number;
export function permutation(n: number, rng: () => number): Int32Array;
