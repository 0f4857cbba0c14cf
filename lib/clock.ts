/**
 * The app's notion of "now". Tests move it forward (through the test-hooks route, which exists only when
 * TEST_HOOKS=1 outside production) to expire codes without sleeping. Lib functions take `now` as a parameter.
 */
const offsetKey = Symbol.for("mimi.clock.offsetMs");
type OffsetHolder = { [offsetKey]?: number };

export function now(): Date {
  return new Date(Date.now() + ((globalThis as OffsetHolder)[offsetKey] ?? 0));
}

export function setClockOffset(offsetMs: number): void {
  (globalThis as OffsetHolder)[offsetKey] = offsetMs;
}
