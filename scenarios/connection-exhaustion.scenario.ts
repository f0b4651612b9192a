import { scenario } from '../harness/index.ts';
import { connectionExhaustion } from './definitions/connection-exhaustion.ts';

scenario(connectionExhaustion);
