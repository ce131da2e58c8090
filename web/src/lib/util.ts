import { useEffect, useState } from 'react';

/** Drops empty filter values so they are not sent as query parameters. */
export function clean<T extends object>(values: T): T {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, value]) =>
        value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && !value.length),
    ),
  ) as T;
}

/** The value, once it has stopped changing for `ms` (search boxes, duplicate hints). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
