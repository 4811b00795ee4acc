import { Module } from '@nestjs/common';
import { PlatformModule } from '@mlops/nest-platform';
import { ConsoleModule } from './console.module';
import { SERVICE } from './service.definition';

@Module({
  imports: [PlatformModule.forRoot(SERVICE), ConsoleModule],
})
export class AppModule {}
