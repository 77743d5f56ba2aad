import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { parseSetArgs, validateParams, describeSchema } from '@scoresde/core';

describe('parameters', () => {
  it('parses k=v pairs as JSON where possible', () => {
    expect(parseSetArgs(['a=1', 'b=true', 'c=[1,2]', 'd=hello', 'e=1e-3'])).toEqual({ a: 1, b: true, c: [1, 2], d: 'hello', e: 0.001 });
    expect(() => parseSetArgs(['novalue'])).toThrow(/--set expects key=value, got 'novalue'/);
  });

  it('refuses keys the schema does not know, so a typo cannot fall back to a default', () => {
    const s = z.object({ acceleration: z.number().default(4), seed: z.number().int().default(0) });
    expect(validateParams(s, { acceleration: 8 }, "operator 'mri'")).toEqual({ acceleration: 8, seed: 0 });
    expect(() => validateParams(s, { acceleraton: 8 }, "operator 'mri'")).toThrow(
      "operator 'mri': unknown parameter 'acceleraton' (known: acceleration, seed)",
    );
    const passthrough = z.object({ a: z.number() }).passthrough();
    expect(validateParams(passthrough, { a: 1, extra: 2 }, 'x')).toEqual({ a: 1, extra: 2 });
  });

  it('reports invalid values by key on one line', () => {
    const s = z.object({ sigma: z.number().positive() });
    expect(() => validateParams(s, { sigma: -1 }, "guidance 'dps'")).toThrow(/^guidance 'dps': invalid parameters: sigma: /);
  });

  it('documents keys, types and defaults', () => {
    const docs = describeSchema(z.object({ n: z.number().int().default(3).describe('count'), mode: z.enum(['a', 'b']) }));
    expect(docs).toContainEqual(expect.objectContaining({ key: 'n', default: 3, description: 'count', optional: true }));
    expect(docs).toContainEqual(expect.objectContaining({ key: 'mode', type: '"a"|"b"', optional: false }));
  });
});
