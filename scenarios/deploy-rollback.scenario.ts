import { scenario } from '../harness/index.ts';
import { deployRollback } from './definitions/deploy-rollback.ts';

scenario(deployRollback);
