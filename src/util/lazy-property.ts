/**
 * Define `obj[key]` as computed on first read (then kept as a plain value). For facts most runs never
 * read: a package's changelog is parsed only when the package changed, or when an output lists it.
 * Enumerable, so JSON and spreads see it as a plain property; assigning replaces it.
 */
export function defineLazy<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
  const settle = (value: T[K]): void => {
    Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: true });
  };
  Object.defineProperty(obj, key, {
    configurable: true,
    enumerable: true,
    get: () => {
      const value = compute();
      settle(value);
      return value;
    },
    set: settle,
  });
}
