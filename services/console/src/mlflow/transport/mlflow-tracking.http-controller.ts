import { Body, Controller, Get, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../../upstream/caller.decorator';
import type { Caller } from '../../upstream/platform-api';
import { MlflowFields } from '../domain/mlflow-fields';
import { MlflowArtifactsService } from '../mlflow-artifacts.service';
import { MlflowTrackingService } from '../mlflow-tracking.service';
import { MlflowErrorsFilter } from './mlflow-errors.filter';

type Json = Record<string, unknown>;

/**
 * MLflow's tracking REST API (https://mlflow.org/docs/latest/rest-api.html), same paths and
 * methods as `mlflow server`: GET reads its fields from the query string, the rest from a JSON
 * body. Every route answers 200 with MLflow's response object, or MLflow's error shape.
 */
@Controller('api/2.0/mlflow')
@UseFilters(MlflowErrorsFilter)
export class MlflowTrackingHttpController {
  constructor(
    private readonly tracking: MlflowTrackingService,
    private readonly artifacts: MlflowArtifactsService,
  ) {}

  @Post('experiments/create') @HttpCode(200)
  createExperiment(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.createExperiment(c, MlflowFields.of(b)); }

  @Get('experiments/get')
  getExperiment(@CallerOf() c: Caller, @Query() q: Json) { return this.tracking.getExperiment(c, MlflowFields.of(q)); }

  @Get('experiments/get-by-name')
  getExperimentByName(@CallerOf() c: Caller, @Query() q: Json) { return this.tracking.getExperimentByName(c, MlflowFields.of(q)); }

  @Post('experiments/search') @HttpCode(200)
  searchExperiments(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.searchExperiments(c, MlflowFields.of(b)); }

  @Get('experiments/search')
  searchExperimentsByQuery(@CallerOf() c: Caller, @Query() q: Json) { return this.tracking.searchExperiments(c, MlflowFields.of(q)); }

  @Post('experiments/update') @HttpCode(200)
  updateExperiment(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.updateExperiment(c, MlflowFields.of(b)); }

  @Post('experiments/delete') @HttpCode(200)
  deleteExperiment(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.deleteExperiment(c, MlflowFields.of(b)); }

  @Post('experiments/restore') @HttpCode(200)
  restoreExperiment(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.restoreExperiment(c, MlflowFields.of(b)); }

  @Post('experiments/set-experiment-tag') @HttpCode(200)
  setExperimentTag(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.setExperimentTag(c, MlflowFields.of(b)); }

  @Post('runs/create') @HttpCode(200)
  createRun(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.createRun(c, MlflowFields.of(b)); }

  @Get('runs/get')
  getRun(@CallerOf() c: Caller, @Query() q: Json) { return this.tracking.getRun(c, MlflowFields.of(q)); }

  @Post('runs/update') @HttpCode(200)
  updateRun(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.updateRun(c, MlflowFields.of(b)); }

  @Post('runs/delete') @HttpCode(200)
  deleteRun(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.deleteRun(c, MlflowFields.of(b)); }

  @Post('runs/restore') @HttpCode(200)
  restoreRun(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.restoreRun(c, MlflowFields.of(b)); }

  @Post('runs/search') @HttpCode(200)
  searchRuns(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.searchRuns(c, MlflowFields.of(b)); }

  @Post('runs/log-metric') @HttpCode(200)
  logMetric(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.logMetric(c, MlflowFields.of(b)); }

  @Post('runs/log-parameter') @HttpCode(200)
  logParam(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.logParam(c, MlflowFields.of(b)); }

  @Post('runs/log-batch') @HttpCode(200)
  logBatch(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.logBatch(c, MlflowFields.of(b)); }

  @Post('runs/set-tag') @HttpCode(200)
  setTag(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.setTag(c, MlflowFields.of(b)); }

  @Post('runs/delete-tag') @HttpCode(200)
  deleteTag(@CallerOf() c: Caller, @Body() b: Json) { return this.tracking.deleteTag(c, MlflowFields.of(b)); }

  @Get('metrics/get-history')
  metricHistory(@CallerOf() c: Caller, @Query() q: Json) { return this.tracking.metricHistory(c, MlflowFields.of(q)); }

  @Get('artifacts/list')
  listArtifacts(@CallerOf() c: Caller, @Query() q: Json) { return this.artifacts.listRun(c, MlflowFields.of(q)); }
}
