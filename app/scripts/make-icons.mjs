#!/usr/bin/env node
// Draws the FleetPulse app icons and writes them as real PNGs into app/public/icons/.
// A tiny PNG encoder (RGBA, filter 0, node:zlib) so no image dependency is needed; the output is
// committed, so this only runs again when the design changes: `node app/scripts/make-icons.mjs`.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes `rgba` (width*height*4 bytes) as a PNG. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const BG = [0x0b, 0x3d, 0x91]; // the app's theme colour
const FG = [0xff, 0xff, 0xff];

// The pulse line, in a unit square; kept inside the central 60 % so it survives maskable crops.
const PULSE = [
  [0.2, 0.55],
  [0.38, 0.55],
  [0.45, 0.35],
  [0.54, 0.72],
  [0.61, 0.45],
  [0.66, 0.55],
  [0.8, 0.55],
];

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** `rounded`: rounded-square tile for purpose "any"; false: full bleed for "maskable". */
function draw(size, rounded) {
  const rgba = Buffer.alloc(size * size * 4);
  const ss = 4; // 4x4 supersampling for smooth edges
  const radius = 0.18;
  const stroke = 0.045;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = (x + (sx + 0.5) / ss) / size;
          const v = (y + (sy + 0.5) / ss) / size;
          let inside = true;
          if (rounded) {
            const cx = Math.min(Math.max(u, radius), 1 - radius);
            const cy = Math.min(Math.max(v, radius), 1 - radius);
            inside = Math.hypot(u - cx, v - cy) <= radius;
          }
          if (!inside) continue;
          bg++;
          for (let i = 0; i < PULSE.length - 1; i++) {
            if (distToSegment(u, v, PULSE[i], PULSE[i + 1]) <= stroke / 2) {
              fg++;
              break;
            }
          }
        }
      }
      const n = ss * ss;
      const o = (y * size + x) * 4;
      const f = bg ? fg / bg : 0;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(BG[c] * (1 - f) + FG[c] * f);
      rgba[o + 3] = Math.round((255 * bg) / n);
    }
  }
  return encodePng(size, size, rgba);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(outDir, { recursive: true });
  const files = {
    "icon-192.png": draw(192, true),
    "icon-512.png": draw(512, true),
    "maskable-512.png": draw(512, false),
    "apple-touch-icon-180.png": draw(180, false),
  };
  for (const [name, png] of Object.entries(files)) {
    writeFileSync(join(outDir, name), png);
    console.log(`${name}: ${png.length} bytes`);
  }
}
