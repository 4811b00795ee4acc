import { training } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import type { ViewType } from '../domain/run';

const VIEW: ReadonlyMap<training.ViewType, ViewType> = new Map([
  [training.ViewType.VIEW_TYPE_UNSPECIFIED, 'active'],
  [training.ViewType.VIEW_TYPE_ACTIVE_ONLY, 'active'],
  [training.ViewType.VIEW_TYPE_DELETED_ONLY, 'deleted'],
  [training.ViewType.VIEW_TYPE_ALL, 'all'],
]);

/** The lifecycle stages a list asks for (unspecified: active only, as MLflow's default). */
export function viewOf(view: training.ViewType | undefined, field: string): ViewType {
  const found = VIEW.get(view ?? training.ViewType.VIEW_TYPE_UNSPECIFIED);
  if (!found) throw invalidArgument(`${field} must be ACTIVE_ONLY, DELETED_ONLY or ALL`);
  return found;
}
