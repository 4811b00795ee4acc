import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Topics, type events } from '@mlops/contracts';
import type { ConsumedEvent } from '@mlops/messaging';
import { HandleEvent } from '@mlops/nest-platform';
import { ModelsService } from '../models.service';

/** Serving finished a rollout: the candidate is marked promoted or rejected on its version. */
@Injectable()
export class DeploymentChangedConsumer {
  constructor(private readonly models: ModelsService) {}

  @HandleEvent(Topics.deploymentChanged)
  async onDeploymentChanged(event: ConsumedEvent<events.DeploymentChanged>, manager: EntityManager): Promise<void> {
    const d = event.payload;
    const verdict = d.state === 'promoted' ? 'promoted' : d.state === 'rolled_back' ? 'rejected' : undefined;
    if (!verdict || d.candidateVersion <= 0) return;
    await this.models.recordDeploymentVerdict(d.modelName, d.candidateVersion, verdict, d.deploymentId, d.reason, manager);
  }
}
