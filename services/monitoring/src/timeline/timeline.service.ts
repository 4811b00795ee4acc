import { Injectable } from '@nestjs/common';
import { notFound } from '@mlops/errors';
import { resolveLimit } from '../paging/limit';
import { STEPS_PER_SAGA, type SagaSteps, mostRecentlyActiveFirst } from './domain/saga-order';
import { type StoredStep, TimelineRepository } from './timeline.repository';

/** The loop's sagas: one by its correlation id, or the latest ones. */
@Injectable()
export class TimelineService {
  constructor(private readonly repository: TimelineRepository) {}

  async timeline(correlationId: string): Promise<StoredStep[]> {
    const steps = await this.repository.steps(correlationId);
    if (steps.length === 0) throw notFound(`no event carried the correlation id "${correlationId}"`);
    return steps;
  }

  /**
   * The latest sagas (10 unless `limit`, at most 50), the most recently active first, each with
   * its latest STEPS_PER_SAGA steps. With a model, the sagas with the newest steps of that model
   * (a saga's steps are all of one model in this platform's loop).
   */
  async latest(model: string, limit: number): Promise<SagaSteps<StoredStep>[]> {
    const ids = await this.repository.latestSagas(model, resolveLimit(limit, 10, 50));
    if (ids.length === 0) return [];
    const steps = await this.repository.latestSteps(ids, STEPS_PER_SAGA);
    return mostRecentlyActiveFirst(ids.map((correlationId) => ({ correlationId, steps: steps.get(correlationId) ?? [] })));
  }
}
