import { scenario } from '../harness/index.ts';
import { gracefulShutdown } from './definitions/graceful-shutdown.ts';

scenario(gracefulShutdown);
