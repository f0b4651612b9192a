import { scenario } from '../harness/index.ts';
import { blueGreenDeploy } from './definitions/blue-green-deploy.ts';

scenario(blueGreenDeploy);
