/**
 * Join codes: 6–8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a code read off
 * a projector is typed right first time. 31 symbols, 6 characters: ~887 million codes; with failed
 * look-ups limited per address, guessing is not a way in.
 */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 6;

/** A random code of `length` characters; `random` fills bytes (crypto.getRandomValues by default). */
export function generateJoinCode(
  length = JOIN_CODE_LENGTH,
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const n = JOIN_CODE_ALPHABET.length;
  const limit = 256 - (256 % n); // reject bytes past the last full multiple: no modulo bias
  let out = '';
  while (out.length < length) {
    for (const b of random(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += JOIN_CODE_ALPHABET[b % n];
    }
  }
  return out;
}

/** Upper-cases a typed code; codes are compared in this form. */
export const normalizeJoinCode = (code: string): string => code.trim().toUpperCase();
