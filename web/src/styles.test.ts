// WCAG AA contrast of the colour pairs the stylesheet uses, in the light and the dark scheme.
import { describe, expect, it } from 'vitest';

import css from './styles.css?raw';

function variables(block: string): Record<string, string> {
  return Object.fromEntries(
    [...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]),
  );
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = variables(/:root\s*{([^}]*)}/.exec(css)![1]);
const dark = { ...light, ...variables(/prefers-color-scheme:\s*dark[^{]*{\s*:root\s*{([^}]*)}/.exec(css)![1]) };

// [foreground, background, minimum]: text 4.5:1, the focus ring (a UI component) 3:1.
const pairs: [string, string, number][] = [
  ['text', 'bg', 4.5],
  ['text', 'surface', 4.5],
  ['text', 'accent-soft', 4.5],
  ['muted', 'bg', 4.5],
  ['muted', 'surface', 4.5],
  ['accent', 'surface', 4.5],
  ['accent', 'bg', 4.5],
  ['accent', 'accent-soft', 4.5],
  ['accent-text', 'accent', 4.5],
  ['danger', 'danger-soft', 4.5],
  ['success', 'success-soft', 4.5],
  ['series-1', 'surface', 3],
  ['series-2', 'surface', 3],
  ['series-3', 'surface', 3],
  ['focus', 'bg', 3],
  ['focus', 'surface', 3],
];

describe('colour contrast', () => {
  it('knows the formula', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21);
    expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5);
  });
  for (const [scheme, vars] of [['light', light], ['dark', dark]] as const) {
    it(`meets WCAG AA in the ${scheme} scheme`, () => {
      const failing = pairs
        .filter(([fg, bg, min]) => !(contrast(vars[fg], vars[bg]) >= min))
        .map(([fg, bg, min]) => `${fg} on ${bg}: ${contrast(vars[fg], vars[bg]).toFixed(2)} < ${min}`);
      expect(failing).toEqual([]);
    });
  }
});
