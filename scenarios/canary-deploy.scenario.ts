import { scenario } from '../harness/index.ts';
import { canaryDeploy } from './definitions/canary-deploy.ts';

scenario(canaryDeploy);
