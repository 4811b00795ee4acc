import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '@mlops/errors';
import { parseExperimentFilter, parseExperimentOrderBy } from './domain/experiment-filter';
import { parsed } from './domain/filter-tokens';
import { experimentsPageToken, experimentsPosition } from './domain/pages';
import { EXPERIMENT_NAME, type Experiment, type LifecycleStage, type ViewType, batchProblems, checkedId, stagesOf } from './domain/run';
import { ExperimentsRepository } from './experiments.repository';

export interface ExperimentListQuery {
  nameContains: string;
  maxResults: number;
  pageToken: string;
  view: ViewType;
  filter: string;
  orderBy: string[];
}

/**
 * Experiments, as MLflow keeps them: a stable numeric id, a unique name (a deleted experiment's
 * too), tags, and soft deletion that carries over to their runs.
 */
@Injectable()
export class ExperimentsService {
  constructor(private readonly experiments: ExperimentsRepository) {}

  async createExperiment(name: string, tags: Record<string, string>): Promise<Experiment> {
    checkName(name);
    const id = await this.experiments.transaction((m) => this.experiments.create(m, name, tags));
    if (id === undefined) {
      const taken = await this.experiments.find({ name });
      throw alreadyExists(taken?.lifecycleStage === 'deleted' ? `experiment "${name}" already exists, deleted: restore it or choose another name` : `experiment "${name}" already exists`);
    }
    return this.getExperiment({ experimentId: id });
  }

  /** By name or by id (one of the two); deleted experiments too. */
  async getExperiment(by: { name?: string; experimentId?: string }): Promise<Experiment> {
    if (by.name && by.experimentId) throw invalidArgument('give name or experiment_id, not both');
    if (by.experimentId) {
      const found = await this.experiments.find({ experimentId: checkedId(by.experimentId) });
      if (!found) throw notFound(`experiment ${by.experimentId} does not exist`);
      return found;
    }
    const found = await this.experiments.find({ name: by.name ?? '' });
    if (!found) throw notFound(`experiment "${by.name ?? ''}" does not exist`);
    return found;
  }

  /** A page of experiments in the order asked; max_results over 1000 is refused (search, older, cuts it instead). */
  async listExperiments(q: ExperimentListQuery): Promise<{ experiments: Experiment[]; nextPageToken: string }> {
    if (!Number.isInteger(q.maxResults) || q.maxResults < 0 || q.maxResults > 1000) throw invalidArgument(`max_results must be 0 (for 100) to 1000, got ${q.maxResults}`);
    const [clauses, order] = parsed(() => [parseExperimentFilter(q.filter), parseExperimentOrderBy(q.orderBy)] as const);
    const after = q.pageToken ? experimentsPosition(q.pageToken, order) : undefined;
    const { experiments, next } = await this.experiments.list({ nameContains: q.nameContains, clauses, order, stages: stagesOf(q.view), limit: q.maxResults || 100, after });
    return { experiments, nextPageToken: next ? experimentsPageToken(next, order) : '' };
  }

  /** Renames an active experiment; ALREADY_EXISTS when another one has the name. */
  async updateExperiment(experimentId: string, newName: string): Promise<Experiment> {
    checkName(newName);
    await this.change(experimentId, 'rename', async (m) => {
      if (!(await this.experiments.rename(m, experimentId, newName))) throw alreadyExists(`experiment "${newName}" already exists`);
    });
    return this.getExperiment({ experimentId });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<Experiment> {
    const problems = batchProblems([], {}, { [key]: value });
    if (problems.length > 0) throw invalidArgument(problems.join('; '));
    await this.change(experimentId, 'tag', (m) => this.experiments.setTag(m, experimentId, key, value));
    return this.getExperiment({ experimentId });
  }

  /** Soft delete of the experiment and all its runs; deleting a deleted one changes nothing. */
  deleteExperiment(experimentId: string): Promise<Experiment> {
    return this.moveTo(experimentId, 'deleted');
  }

  /** Makes the experiment and all its runs active again (as MLflow does); restoring an active one changes nothing. */
  restoreExperiment(experimentId: string): Promise<Experiment> {
    return this.moveTo(experimentId, 'active');
  }

  private async moveTo(experimentId: string, stage: LifecycleStage): Promise<Experiment> {
    await this.experiments.transaction(async (m) => {
      const experiment = await this.locked(m, experimentId);
      if (experiment.lifecycleStage !== stage) await this.experiments.setStage(m, experimentId, stage);
    });
    return this.getExperiment({ experimentId });
  }

  /** Makes a change to an active experiment, locked; a deleted one takes none (as MLflow's). */
  private async change(experimentId: string, what: string, fn: (m: EntityManager) => Promise<void>): Promise<void> {
    await this.experiments.transaction(async (m) => {
      const experiment = await this.locked(m, experimentId);
      if (experiment.lifecycleStage === 'deleted') throw failedPrecondition(`experiment ${experimentId} ("${experiment.name}") is deleted: restore it first to ${what} it`);
      await fn(m);
    });
  }

  private async locked(m: EntityManager, experimentId: string) {
    const experiment = await this.experiments.lock(m, checkedId(experimentId), 'update');
    if (!experiment) throw notFound(`experiment ${experimentId} does not exist`);
    return experiment;
  }
}

function checkName(name: string): void {
  if (!EXPERIMENT_NAME.test(name)) throw invalidArgument('experiment name must be 1 to 200 printable characters');
}
