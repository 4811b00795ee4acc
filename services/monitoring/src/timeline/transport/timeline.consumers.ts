import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Topics, type events } from '@mlops/contracts';
import { type ConsumedEvent, Headers, headerString } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { type SagaStep as Step, completedStep, degradedStep, deploymentStep, driftStep, failedStep, registeredStep, requestedStep } from '@mlops/client';
import { TimelineRepository } from '../timeline.repository';

/**
 * Every event of the loop, recorded by its correlation id: the drift alert, the retraining
 * request, the run, the version and each change of its rollout. (Alias moves are in the
 * deployment's steps; the alias topic is the drift feature's to consume.)
 */
@Injectable()
export class TimelineConsumers {
  constructor(private readonly timeline: TimelineRepository) {}

  private async record(event: ConsumedEvent<unknown>, manager: EntityManager, step: Step): Promise<void> {
    if (!event.correlationId) return;
    const at = new Date(headerString(event.headers, Headers.occurredAt) ?? Date.now());
    await this.timeline.append(manager, event.eventId, event.correlationId, headerString(event.headers, Headers.producer) ?? '', Number.isNaN(at.getTime()) ? new Date() : at, step);
  }

  @HandleEvent(Topics.driftDetected)
  onDrift(event: ConsumedEvent<events.DriftDetected>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, driftStep(event.payload));
  }

  @HandleEvent(Topics.performanceDegraded)
  onDegraded(event: ConsumedEvent<events.PerformanceDegraded>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, degradedStep(event.payload));
  }

  @HandleEvent(Topics.trainingRunRequested)
  onRequested(event: ConsumedEvent<events.TrainingRunRequested>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, requestedStep(event.payload));
  }

  @HandleEvent(Topics.trainingRunCompleted)
  onCompleted(event: ConsumedEvent<events.TrainingRunCompleted>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, completedStep(event.payload));
  }

  @HandleEvent(Topics.trainingRunFailed)
  onFailed(event: ConsumedEvent<events.TrainingRunFailed>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, failedStep(event.payload));
  }

  @HandleEvent(Topics.modelVersionRegistered)
  onRegistered(event: ConsumedEvent<events.ModelVersionRegistered>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, registeredStep(event.payload));
  }

  @HandleEvent(Topics.deploymentChanged)
  onDeployment(event: ConsumedEvent<events.DeploymentChanged>, manager: EntityManager): Promise<void> {
    return this.record(event, manager, deploymentStep(event.payload));
  }
}
