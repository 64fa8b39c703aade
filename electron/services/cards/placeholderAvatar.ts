import { deflateSync } from "node:zlib";
import { encodePng } from "./png";

/** A solid-colour RGB PNG whose colour is derived from the name (stable across runs). */
export function placeholderAvatar(name: string, width = 400, height = 600): Uint8Array {
  const [r, g, b] = colourFor(name);
  const stride = 1 + width * 3;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    // Each scanline starts with filter type 0 (none), already 0 in a fresh array.
    for (let x = 0; x < width; x++) raw.set([r, g, b], y * stride + 1 + x * 3);
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  return encodePng([
    { type: "IHDR", data: ihdr },
    { type: "IDAT", data: deflateSync(raw) },
    { type: "IEND", data: new Uint8Array(0) },
  ]);
}

/** FNV-1a of the name → a hue; fixed saturation and lightness keep every colour readable. */
export function colourFor(name: string): [number, number, number] {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hslToRgb(hash % 360, 0.45, 0.55);
}

function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const c = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - c / 2;
  const sectors: [number, number, number][] = [
    [c, x, 0],
    [x, c, 0],
    [0, c, x],
    [0, x, c],
    [x, 0, c],
    [c, 0, x],
  ];
  const [r, g, b] = sectors[Math.floor(hue / 60)] ?? [c, x, 0];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
