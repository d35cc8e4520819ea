// The PWA build: app/ → dist/app, which wrangler serves as static assets (SPA fallback) on the
// same origin as the Worker's /api/* and /webhooks/*.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const API_ORIGIN = process.env.FLEETPULSE_API_ORIGIN ?? "http://127.0.0.1:8787";

/** Where the /api/docs page (worker/routes/api/docs.ts) loads its renderer from: outside /api/* so
 * the assets are served as static files, not by the Worker. */
const API_DOCS_DIR = "api-docs";

/** Copies Swagger UI's browser bundle into the build, with the page's start-up script, so /api/docs
 * works offline and loads nothing from another origin. */
function apiDocsAssets(): Plugin {
  const dist = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  // The source maps are not shipped: drop the comments that would make devtools fetch them.
  const read = (file: string) =>
    readFileSync(path.join(dist, file), "utf8").replace(/\n?\/[/*]# sourceMappingURL=\S+?(\s*\*\/)?\s*$/, "\n");
  const start = `window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Tags start collapsed and render their operations when opened: with every tag expanded, the
    // ~130 operations stopped rendering after the first few (the page stayed half drawn).
    docExpansion: "none",
    tryItOutEnabled: true,
    persistAuthorization: false,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
`;
  return {
    name: "fleetpulse-api-docs-assets",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: `${API_DOCS_DIR}/swagger-ui-bundle.js`, source: read("swagger-ui-bundle.js") });
      this.emitFile({ type: "asset", fileName: `${API_DOCS_DIR}/swagger-ui.css`, source: read("swagger-ui.css") });
      this.emitFile({ type: "asset", fileName: `${API_DOCS_DIR}/start.js`, source: start });
    },
  };
}

export default defineConfig({
  root: "app",
  publicDir: "public",
  build: {
    outDir: fileURLToPath(new URL("./dist/app", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  server: {
    // `npm run dev:app` against `npm start`'s Worker.
    proxy: {
      "/api": { target: API_ORIGIN, changeOrigin: false, ws: true },
      "/webhooks": { target: API_ORIGIN, changeOrigin: false },
      "/problems": { target: API_ORIGIN, changeOrigin: false },
    },
  },
  plugins: [
    react(),
    apiDocsAssets(),
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      // main.tsx registers /sw.js itself (production builds only).
      injectRegister: false,
      manifestFilename: "manifest.webmanifest",
      includeManifestIcons: true,
      includeAssets: ["icons/apple-touch-icon-180.png"],
      injectManifest: {
        rollupFormat: "iife",
        globPatterns: ["**/*.{js,css,html,png,webmanifest}"],
        // The API reference is for developers online, and the PDF report's pdf-lib chunk loads only
        // when a report is asked for (which needs the network anyway): neither is precached.
        globIgnores: [`${API_DOCS_DIR}/**`, "**/fleet-report-pdf-*.js"],
      },
      manifest: {
        id: "/",
        name: "FleetPulse",
        short_name: "FleetPulse",
        description: "Live vehicle alerts, notifications and maintenance for fleet managers and drivers.",
        lang: "en",
        dir: "ltr",
        start_url: "/",
        scope: "/",
        display: "standalone",
        theme_color: "#0b3d91",
        background_color: "#ffffff",
        categories: ["business", "productivity"],
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
});
