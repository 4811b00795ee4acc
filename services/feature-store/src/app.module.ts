import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { FeatureStoreModule } from './feature-store.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), FeatureStoreModule],
})
export class AppModule {}
