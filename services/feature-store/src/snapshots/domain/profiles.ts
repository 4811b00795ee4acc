import { type FeatureProfile, profileCategorical, profileNumeric } from '@mlops/ml';
import type { FeatureOutput } from '../../feature-views/domain/transforms';
import type { SnapshotRow } from './point-in-time';

export interface NamedProfile {
  feature: string;
  profile: FeatureProfile;
}

/** A profile per feature, and one for the label when any row has one: the reference monitoring
 * compares live data with. A column with any string value is categorical. */
export function profileSnapshot(featureNames: string[], rows: SnapshotRow[]): NamedProfile[] {
  const profiles = featureNames.map((feature, i) => ({ feature, profile: profileColumn(rows.map((r) => r.values[i])) }));
  if (rows.some((r) => r.label !== null)) profiles.push({ feature: 'label', profile: profileColumn(rows.map((r) => r.label)) });
  return profiles;
}

function profileColumn(values: FeatureOutput[]): FeatureProfile {
  if (values.some((v) => typeof v === 'string')) return profileCategorical(values.map((v) => (v === null ? null : String(v))));
  return profileNumeric(values as (number | null)[]);
}
