// The PWA build: app/ → dist/app, which wrangler serves as static assets (SPA fallback) on the
// same origin as the Worker's /api/* and /webhooks/*.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const API_ORIGIN = process.env.FLEETPULSE_API_ORIGIN ?? "http://127.0.0.1:8787";

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
