import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { RegistryModule } from './registry.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), RegistryModule],
})
export class AppModule {}
