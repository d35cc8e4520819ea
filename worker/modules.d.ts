// Binary module imports (wrangler.toml [[rules]] type "Data"): model weights.
declare module "*.bin" {
  const data: ArrayBuffer;
  export default data;
}
