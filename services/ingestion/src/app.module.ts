import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE)],
})
export class AppModule {}
