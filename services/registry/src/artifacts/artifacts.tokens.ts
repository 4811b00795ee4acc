/** Injection token of the ArtifactStore implementation. */
export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');
