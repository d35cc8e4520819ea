// Vite's `?raw` suffix imports a file's text (used to check docs against the served API).
declare module "*.md?raw" {
  const text: string;
  export default text;
}

// The assets server's headers file (app/public/_headers), checked against the Worker's values.
declare module "*/_headers?raw" {
  const text: string;
  export default text;
}
