import { bootstrapService } from '@mlops/nest-platform';
import { AppModule } from './app.module';
import { SERVICE } from './service.definition';

void bootstrapService(SERVICE, AppModule);
