import { scenario } from '../harness/index.ts';
import { roleMix } from './definitions/role-mix.ts';

scenario(roleMix);
