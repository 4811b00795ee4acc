import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { IngestionModule } from './ingestion.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), IngestionModule],
})
export class AppModule {}
