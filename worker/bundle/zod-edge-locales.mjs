// The one locale the Worker keeps (see zod-edge.mjs).
export { default as en } from "../../node_modules/zod/v4/locales/en.js";
