import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { ServingModule } from './serving.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), ServingModule],
})
export class AppModule {}
