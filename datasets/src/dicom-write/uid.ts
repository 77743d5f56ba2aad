/**
 * Deterministic UIDs under the 2.25 root (PS3.5 §B.2: "2.25." followed by the decimal value of a
 * 128-bit UUID). The UUID is not random: it is the first 128 bits of SHA-256 over the given parts
 * (JSON-encoded, so part boundaries are unambiguous), with the RFC 9562 version field set to 8
 * (custom) and the variant bits to 10. Reruns with the same inputs give the same UIDs; different
 * inputs collide with probability ~2⁻¹²².
 */
import { createHash } from 'node:crypto';
import { ScoresdeError } from '@scoresde/core';

export function hashUid(parts: readonly string[]): string {
  const h = createHash('sha256').update(JSON.stringify(['scoresde-uid-v1', ...parts])).digest();
  const b = Uint8Array.from(h.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return `2.25.${n.toString(10)}`;
}

/** The implementation class UID written in (0002,0012) of every file this writer makes. */
export const IMPLEMENTATION_CLASS_UID = hashUid(['implementation', 'scoresde']);
export const IMPLEMENTATION_VERSION_NAME = 'SCORESDE_0_1';

const UID_RE = /^[0-9]+(\.[0-9]+)*$/;

/** A UID is digits separated by single dots, at most 64 characters (PS3.5 §9.1). */
export function isValidUid(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && UID_RE.test(uid);
}

/**
 * Check a UID that will name a folder or file: only digits and dots can pass, so no value can
 * contain a path separator or '..' as a whole component.
 */
export function pathSafeUid(uid: string, what: string): string {
  if (!isValidUid(uid)) throw new ScoresdeError(`${what} ${JSON.stringify(uid.slice(0, 80))} is not a valid UID (digits and dots, ≤ 64 characters); refusing to use it as an output path`);
  return uid;
}
