import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, UseFilters } from '@nestjs/common';
import { CallerOf } from '../../upstream/caller.decorator';
import type { Caller } from '../../upstream/platform-api';
import { MlflowFields } from '../domain/mlflow-fields';
import { MlflowRegistryService } from '../mlflow-registry.service';
import { MlflowErrorsFilter } from './mlflow-errors.filter';

type Json = Record<string, unknown>;

/**
 * MLflow's model registry REST API, same paths and methods as `mlflow server` (PATCH for
 * updates, DELETE with a JSON body or a query string, as its clients send either).
 */
@Controller('api/2.0/mlflow')
@UseFilters(MlflowErrorsFilter)
export class MlflowRegistryHttpController {
  constructor(private readonly registry: MlflowRegistryService) {}

  @Post('registered-models/create') @HttpCode(200)
  createModel(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.createModel(c, MlflowFields.of(b)); }

  @Get('registered-models/get')
  getModel(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.getModel(c, MlflowFields.of(q)); }

  @Patch('registered-models/update')
  updateModel(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.updateModel(c, MlflowFields.of(b)); }

  @Post('registered-models/rename') @HttpCode(200)
  renameModel(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.renameModel(c, MlflowFields.of(b)); }

  @Delete('registered-models/delete')
  deleteModel(@CallerOf() c: Caller, @Body() b: Json, @Query() q: Json) { return this.registry.deleteModel(c, fieldsOf(b, q)); }

  @Get('registered-models/search')
  searchModels(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.searchModels(c, MlflowFields.of(q)); }

  @Post('registered-models/get-latest-versions') @HttpCode(200)
  latestVersions(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.latestVersions(c, MlflowFields.of(b)); }

  @Get('registered-models/get-latest-versions')
  latestVersionsByQuery(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.latestVersions(c, MlflowFields.of(q)); }

  @Post('registered-models/set-tag') @HttpCode(200)
  setModelTag(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.setModelTag(c, MlflowFields.of(b)); }

  @Delete('registered-models/delete-tag')
  deleteModelTag(@CallerOf() c: Caller, @Body() b: Json, @Query() q: Json) { return this.registry.deleteModelTag(c, fieldsOf(b, q)); }

  @Post('registered-models/alias') @HttpCode(200)
  setAlias(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.setAlias(c, MlflowFields.of(b)); }

  @Delete('registered-models/alias')
  deleteAlias(@CallerOf() c: Caller, @Body() b: Json, @Query() q: Json) { return this.registry.deleteAlias(c, fieldsOf(b, q)); }

  @Get('registered-models/alias')
  versionByAlias(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.versionByAlias(c, MlflowFields.of(q)); }

  @Post('model-versions/create') @HttpCode(200)
  createVersion(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.createVersion(c, MlflowFields.of(b)); }

  @Get('model-versions/get')
  getVersion(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.getVersion(c, MlflowFields.of(q)); }

  @Patch('model-versions/update')
  updateVersion(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.updateVersion(c, MlflowFields.of(b)); }

  @Get('model-versions/search')
  searchVersions(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.searchVersions(c, MlflowFields.of(q)); }

  @Post('model-versions/set-tag') @HttpCode(200)
  setVersionTag(@CallerOf() c: Caller, @Body() b: Json) { return this.registry.setVersionTag(c, MlflowFields.of(b)); }

  @Delete('model-versions/delete-tag')
  deleteVersionTag(@CallerOf() c: Caller, @Body() b: Json, @Query() q: Json) { return this.registry.deleteVersionTag(c, fieldsOf(b, q)); }

  @Get('model-versions/get-download-uri')
  downloadUri(@CallerOf() c: Caller, @Query() q: Json) { return this.registry.downloadUri(c, MlflowFields.of(q)); }
}

/** DELETE: fields in a JSON body (the Python client) or in the query string (curl users). */
function fieldsOf(body: Json | undefined, query: Json): MlflowFields {
  return MlflowFields.of(body && Object.keys(body).length ? body : query);
}
