import * as path from 'node:path';
import { int, readEnv, str } from '@mlops/config';

export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');

/** Settings of the registry beyond the platform's own (validated at start). */
export function loadRegistryConfig(env: Record<string, string | undefined> = process.env) {
  const values = readEnv(
    {
      REGISTRY_ARTIFACT_DIR: str(path.resolve('.cache/artifacts')),
      REGISTRY_MAX_ARTIFACT_BYTES: int(512 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    },
    env,
  );
  return { artifactDir: values.REGISTRY_ARTIFACT_DIR, maxArtifactBytes: values.REGISTRY_MAX_ARTIFACT_BYTES };
}

export type RegistryConfig = ReturnType<typeof loadRegistryConfig>;
