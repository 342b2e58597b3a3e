/**
 * Service time: when keys rotate, when a deletion window ends, when import tokens expire. It is
 * not the time SigV4 checks requests against (that is always the wall clock). Tests move it
 * through `POST /_coffer/test/clock` when the server runs with COFFER_TEST_HOOKS=1.
 */
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves service time forward (tests only). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('the clock only moves forward');
    this.offsetMs += ms;
  }
}
