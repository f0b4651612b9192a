import { scenario } from '../harness/index.ts';
import { sessionChurn } from './definitions/session-churn.ts';

scenario(sessionChurn);
