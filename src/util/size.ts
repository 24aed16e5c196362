/** A size a person wrote (`10MB`, `1.5GiB`, `512`) in bytes, or what was expected instead. */
export type ParsedSize = { ok: true; value: number } | { ok: false; expected: string };

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** `10MB` (decimal), `1.5GiB` (binary), `512` (bytes) → bytes. */
export function parseSize(text: string): ParsedSize {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(text.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? 'b').toLowerCase()];
  if (m === null || unit === undefined) {
    return {
      ok: false,
      expected: 'a size like 512, 10MB or 1.5GiB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)',
    };
  }
  return { ok: true, value: Math.round(Number(m[1]) * unit) };
}
