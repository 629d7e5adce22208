/** OTP's restart intensity: more than `maxRestarts` restarts within `withinMs` is a crash loop. */
export class RestartIntensity {
  readonly #times: number[] = [];

  constructor(
    readonly maxRestarts: number,
    readonly withinMs: number,
  ) {}

  /** Records a restart now; true when the limit is exceeded. */
  record(now: number): boolean {
    const times = this.#times;
    times.push(now);
    while (times.length > 0 && times[0]! <= now - this.withinMs) times.shift();
    return times.length > this.maxRestarts;
  }
}
