/** The injection token of the pool named `name`: for `@Inject`, custom providers and `overrideProvider` in tests. */
export function getPoolToken(name: string): string {
  return `Pool_${name}`;
}
