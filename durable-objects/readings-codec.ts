/**
 * One downsampled bucket of a vehicle's readings (readings-store.ts): per metric the count, min,
 * max, mean and last value, packed as binary so a vehicle-day stays small (docs/readings-store.md).
 *
 * Layout: u32 newest event offset (ms after the bucket start), then per metric
 * u16 metric id, u16 count, f32 min, f32 max, f32 mean, f32 last (20 bytes). float32 keeps about
 * 7 significant digits: 0.01 km on an odometer of 100,000 km, 0.5 m on a coordinate.
 */
export interface MetricStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  last: number;
}

export interface Bucket {
  /** Epoch ms of the newest event merged in: `last` follows it. */
  newestTs: number;
  metrics: Map<number, MetricStats>;
}

const HEADER = 4;
const PER_METRIC = 20;
const MAX_COUNT = 0xffff;

export const emptyBucket = (): Bucket => ({ newestTs: Number.NEGATIVE_INFINITY, metrics: new Map() });

export function encodeBucket(bucket: Bucket, start: number): ArrayBuffer {
  const buffer = new ArrayBuffer(HEADER + PER_METRIC * bucket.metrics.size);
  const view = new DataView(buffer);
  view.setUint32(0, Math.max(0, Math.min(0xffffffff, bucket.newestTs - start)));
  let at = HEADER;
  for (const [id, s] of bucket.metrics) {
    view.setUint16(at, id);
    view.setUint16(at + 2, Math.min(MAX_COUNT, s.count));
    view.setFloat32(at + 4, s.min);
    view.setFloat32(at + 8, s.max);
    view.setFloat32(at + 12, s.mean);
    view.setFloat32(at + 16, s.last);
    at += PER_METRIC;
  }
  return buffer;
}

export function decodeBucket(data: ArrayBuffer, start: number): Bucket {
  const view = new DataView(data);
  const metrics = new Map<number, MetricStats>();
  for (let at = HEADER; at + PER_METRIC <= data.byteLength; at += PER_METRIC) {
    metrics.set(view.getUint16(at), {
      count: view.getUint16(at + 2),
      min: view.getFloat32(at + 4),
      max: view.getFloat32(at + 8),
      mean: view.getFloat32(at + 12),
      last: view.getFloat32(at + 16),
    });
  }
  return { newestTs: start + view.getUint32(0), metrics };
}

/** One reading of metric `id` into the bucket; `newest` when its event is the bucket's newest (the caller then moves `newestTs`). */
export function addReading(bucket: Bucket, id: number, value: number, newest: boolean) {
  const s = bucket.metrics.get(id);
  if (!s) {
    bucket.metrics.set(id, { count: 1, min: value, max: value, mean: value, last: value });
    return;
  }
  const count = Math.min(MAX_COUNT, s.count + 1);
  s.mean += (value - s.mean) / count;
  s.count = count;
  s.min = Math.min(s.min, value);
  s.max = Math.max(s.max, value);
  if (newest) s.last = value;
}

/** Merges `from` into `into` (compaction into coarser buckets, and the endpoint's wider points). */
export function mergeBucket(into: Bucket, from: Bucket) {
  const newer = from.newestTs >= into.newestTs;
  for (const [id, f] of from.metrics) {
    const s = into.metrics.get(id);
    if (!s) {
      into.metrics.set(id, { ...f });
      continue;
    }
    const total = s.count + f.count;
    s.mean = (s.mean * s.count + f.mean * f.count) / total;
    s.count = Math.min(MAX_COUNT, total);
    s.min = Math.min(s.min, f.min);
    s.max = Math.max(s.max, f.max);
    if (newer) s.last = f.last;
  }
  if (newer) into.newestTs = from.newestTs;
}

/** A float32 read back as the short decimal it stood for (13.9, not 13.899999618530273). */
export const tidy = (value: number) => Number(value.toPrecision(7));

/**
 * A page: one vehicle's buckets of one window (an hour of minute buckets, a day of 5-minute ones:
 * readings-store.ts) in one row, so a flush or a compaction writes a row per vehicle and page, not
 * per bucket (every row written, and every row deleted, is billed).
 * Layout: per bucket present, u16 index ((bucket start − page start) / unit), u16 length, then the bucket.
 */
const ENTRY = 4;

/** `buckets` by bucket start (epoch ms); `unit` is the buckets' width. */
export function encodePage(buckets: Map<number, Bucket>, pageStart: number, unit: number): ArrayBuffer {
  const parts = [...buckets]
    .sort((a, b) => a[0] - b[0])
    .map(([start, bucket]) => ({ index: (start - pageStart) / unit, data: new Uint8Array(encodeBucket(bucket, start)) }));
  const out = new Uint8Array(parts.reduce((n, p) => n + ENTRY + p.data.byteLength, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { index, data } of parts) {
    view.setUint16(at, index);
    view.setUint16(at + 2, data.byteLength);
    out.set(data, at + ENTRY);
    at += ENTRY + data.byteLength;
  }
  return out.buffer;
}

/** The page's buckets by bucket start, oldest first. */
export function decodePage(data: ArrayBuffer, pageStart: number, unit: number): Map<number, Bucket> {
  const view = new DataView(data);
  const buckets = new Map<number, Bucket>();
  for (let at = 0; at + ENTRY <= data.byteLength; ) {
    const start = pageStart + view.getUint16(at) * unit;
    const length = view.getUint16(at + 2);
    buckets.set(start, decodeBucket(data.slice(at + ENTRY, at + ENTRY + length), start));
    at += ENTRY + length;
  }
  return buckets;
}

/**
 * A group row: the pages of several vehicles for one window (an hour of minute buckets:
 * readings-store.ts), so a flush writes a row per group of vehicles, not per vehicle.
 * Layout: per vehicle, u32 series id, u32 length, then its page.
 */
const GROUP_ENTRY = 8;

/** The vehicles' pages as group rows of at most `maxBytes` each (a larger single page gets a row alone). */
export function encodeGroup(pages: Map<number, ArrayBuffer>, maxBytes: number): ArrayBuffer[] {
  const parts: { series: number; page: ArrayBuffer }[][] = [[]];
  let size = 0;
  for (const [series, page] of [...pages].sort((a, b) => a[0] - b[0])) {
    if (parts.at(-1)!.length && size + GROUP_ENTRY + page.byteLength > maxBytes) {
      parts.push([]);
      size = 0;
    }
    parts.at(-1)!.push({ series, page });
    size += GROUP_ENTRY + page.byteLength;
  }
  return parts.map((entries) => {
    const out = new Uint8Array(entries.reduce((n, e) => n + GROUP_ENTRY + e.page.byteLength, 0));
    const view = new DataView(out.buffer);
    let at = 0;
    for (const { series, page } of entries) {
      view.setUint32(at, series);
      view.setUint32(at + 4, page.byteLength);
      out.set(new Uint8Array(page), at + GROUP_ENTRY);
      at += GROUP_ENTRY + page.byteLength;
    }
    return out.buffer;
  });
}

/** Each vehicle's page in a group row, by series id. */
export function decodeGroup(data: ArrayBuffer): Map<number, ArrayBuffer> {
  const view = new DataView(data);
  const pages = new Map<number, ArrayBuffer>();
  for (let at = 0; at + GROUP_ENTRY <= data.byteLength; ) {
    const length = view.getUint32(at + 4);
    pages.set(view.getUint32(at), data.slice(at + GROUP_ENTRY, at + GROUP_ENTRY + length));
    at += GROUP_ENTRY + length;
  }
  return pages;
}

/** One vehicle's page in a group row (skipping the others without copying them), or undefined. */
export function pageInGroup(data: ArrayBuffer, series: number): ArrayBuffer | undefined {
  const view = new DataView(data);
  for (let at = 0; at + GROUP_ENTRY <= data.byteLength; ) {
    const length = view.getUint32(at + 4);
    if (view.getUint32(at) === series) return data.slice(at + GROUP_ENTRY, at + GROUP_ENTRY + length);
    at += GROUP_ENTRY + length;
  }
  return undefined;
}
