import { Controller, Get, Put, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CallerOf } from '../../upstream/caller.decorator';
import type { Caller } from '../../upstream/platform-api';
import { MlflowFields } from '../domain/mlflow-fields';
import { MlflowArtifactsService } from '../mlflow-artifacts.service';
import { MlflowErrorsFilter } from './mlflow-errors.filter';

/** The route's wildcard: Express 5 gives its segments as a list. */
function wildcard(request: Request): string {
  const path = (request.params as Record<string, string | string[]>).path;
  return Array.isArray(path) ? path.join('/') : (path ?? '');
}

/**
 * MLflow's proxied artifact API, as `mlflow server --serve-artifacts` answers it: PUT a file's
 * bytes, GET them back, list a folder. The body is raw bytes of any content type (MLflow's
 * client sends the file's guessed MIME type), never parsed here.
 */
@Controller('api/2.0/mlflow-artifacts')
@UseFilters(MlflowErrorsFilter)
export class MlflowArtifactsHttpController {
  constructor(private readonly artifacts: MlflowArtifactsService) {}

  @Get('artifacts')
  list(@CallerOf() c: Caller, @Query() q: Record<string, unknown>) {
    return this.artifacts.listProxied(c, MlflowFields.of(q));
  }

  @Put('artifacts/*path')
  upload(@CallerOf() c: Caller, @Req() request: Request) {
    return this.artifacts.upload(c, wildcard(request), request);
  }

  @Get('artifacts/*path')
  async download(@CallerOf() c: Caller, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.artifacts.download(c, wildcard(request), (size) => {
      response.status(200).setHeader('Content-Type', 'application/octet-stream');
      response.setHeader('Content-Length', String(size));
      return response;
    });
  }
}
