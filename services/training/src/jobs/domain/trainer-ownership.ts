/**
 * Who trains a model's versions. By default the platform's own trainer (this service) answers
 * every training.run.requested.v1 for a model; a registered model tagged `mlops.trainer:
 * external` is trained by code outside the platform (examples/python/external_trainer.py, a
 * team's own pipeline), which answers its requests instead, so that never both do.
 */
export const TRAINER_TAG = 'mlops.trainer';
export const EXTERNAL_TRAINER = 'external';

export function trainedExternally(tags: Record<string, string> | undefined): boolean {
  return (tags?.[TRAINER_TAG] ?? '').trim().toLowerCase() === EXTERNAL_TRAINER;
}
