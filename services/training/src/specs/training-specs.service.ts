import { Injectable } from '@nestjs/common';
import { invalidArgument, notFound } from '@mlops/errors';
import { canonicalJson, pageFrom, pageSize } from '@mlops/persistence';
import { type StoredTrainingSpec, type TrainingSpecInput, nextFireAfter, trainingSpecProblems } from './domain/training-spec';
import { TrainingSpecsRepository } from './training-specs.repository';

const NAME_TOKEN = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Training specs: stored job templates. Putting the same spec again changes nothing; a new or
 * changed schedule is armed at its next firing after now (a firing is never backdated).
 */
@Injectable()
export class TrainingSpecsService {
  constructor(private readonly repository: TrainingSpecsRepository) {}

  async put(spec: TrainingSpecInput): Promise<StoredTrainingSpec> {
    const problems = trainingSpecProblems(spec);
    if (problems.length > 0) throw invalidArgument(`invalid training spec: ${problems.join('; ')}`);
    const armed = spec.schedule ? nextFireAfter(spec.schedule, new Date()) : null;
    return this.repository.transaction(async (manager) => {
      const inserted = await this.repository.insert(manager, spec, armed);
      if (inserted) return inserted;
      const current = (await this.repository.lock(manager, spec.name))!;
      const same = canonicalJson(current.job) === canonicalJson(spec.job) && current.schedule === spec.schedule && current.description === spec.description;
      if (same) return current;
      return this.repository.update(manager, spec, current.schedule === spec.schedule ? current.nextRunAt : armed);
    });
  }

  async get(name: string): Promise<StoredTrainingSpec> {
    const found = await this.repository.find(name);
    if (!found) throw notFound(`training spec "${name}" does not exist`);
    return found;
  }

  /** A page of specs by name; the token is the last name of the page before. */
  async list(limit: number, pageToken: string): Promise<{ specs: StoredTrainingSpec[]; nextPageToken: string }> {
    if (pageToken && !NAME_TOKEN.test(pageToken)) throw invalidArgument(`page_token "${pageToken.slice(0, 100)}" is not one this service gave`);
    const size = pageSize(limit, { fallback: 100, max: 1000 });
    const rows = await this.repository.list(size + 1, pageToken || undefined);
    const { page, nextPageToken } = pageFrom(rows, size, (last) => last.name);
    return { specs: page, nextPageToken };
  }
}
