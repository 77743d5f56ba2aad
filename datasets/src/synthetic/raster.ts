/**
 * Supersampled rasterisation on the square [−1, 1]²: pixel (row i, column j) of an n×n image
 * covers x ∈ [−1 + 2j/n, −1 + 2(j+1)/n], y ∈ [1 − 2(i+1)/n, 1 − 2i/n] (y up, row 0 at the top);
 * its value is the mean of a region's indicator over ss×ss sub-pixel centres.
 */

/** Fraction of each pixel inside `inside(x, y)`, added with weight `value` into `img` (n×n). */
export function addRegion(img: Float32Array, n: number, inside: (x: number, y: number) => boolean, value: number, ss = 4, bbox?: [number, number, number, number]): void {
  const [x0, x1, y0, y1] = bbox ?? [-1, 1, -1, 1];
  const jMin = Math.max(0, Math.floor(((x0 + 1) * n) / 2));
  const jMax = Math.min(n - 1, Math.ceil(((x1 + 1) * n) / 2));
  const iMin = Math.max(0, Math.floor(((1 - y1) * n) / 2));
  const iMax = Math.min(n - 1, Math.ceil(((1 - y0) * n) / 2));
  const step = 2 / n / ss;
  for (let i = iMin; i <= iMax; i++) {
    for (let j = jMin; j <= jMax; j++) {
      let hits = 0;
      for (let a = 0; a < ss; a++) {
        const y = 1 - (2 * i) / n - (a + 0.5) * step;
        for (let b = 0; b < ss; b++) {
          const x = -1 + (2 * j) / n + (b + 0.5) * step;
          if (inside(x, y)) hits++;
        }
      }
      if (hits) img[i * n + j]! += (value * hits) / (ss * ss);
    }
  }
}

/** Inside test of an ellipse with centre (cx, cy), semi-axes (a, b), rotated by θ (counter-clockwise). */
export function ellipseTest(cx: number, cy: number, a: number, b: number, theta: number): (x: number, y: number) => boolean {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = (dx * c + dy * s) / a;
    const v = (-dx * s + dy * c) / b;
    return u * u + v * v <= 1;
  };
}

/** Axis-aligned bounding box [x0, x1, y0, y1] of a disk of radius r around (cx, cy). */
export function diskBox(cx: number, cy: number, r: number): [number, number, number, number] {
  return [cx - r, cx + r, cy - r, cy + r];
}

export function clamp01(img: Float32Array): Float32Array {
  for (let i = 0; i < img.length; i++) img[i] = Math.min(1, Math.max(0, img[i]!));
  return img;
}
