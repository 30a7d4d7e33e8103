/**
 * The yaml package (about 250 KB of code) is loaded on first use rather than at start-up:
 * kubectl and the client libraries speak JSON; YAML arrives only in server-side apply
 * bodies and hand-made requests, and is asked for only by hand.
 */
type YamlModule = typeof import('yaml');

let loaded: YamlModule | undefined;

export async function loadYaml(): Promise<YamlModule> {
  loaded ??= await import('yaml');
  return loaded;
}

/** The module if a request already loaded it (see loadYaml); callers that answer in YAML load it first. */
export function loadedYaml(): YamlModule {
  if (!loaded) throw new Error('yaml module used before loadYaml()');
  return loaded;
}
