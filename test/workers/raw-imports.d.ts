// Vite's `?raw` suffix imports a file's text (used to check docs against the served API).
declare module "*.md?raw" {
  const text: string;
  export default text;
}
