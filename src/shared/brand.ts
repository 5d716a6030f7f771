/**
 * True when `value` is an object whose `brand` field is `true`. Error classes carry such a field so
 * that they are recognised across bundles, where each bundle has its own copy of the class and
 * `instanceof` fails.
 */
export function hasBrand(value: unknown, brand: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[brand] === true
  )
}
