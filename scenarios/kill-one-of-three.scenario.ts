import { scenario } from '../harness/index.ts';
import { killOneOfThree } from './definitions/kill-one-of-three.ts';

scenario(killOneOfThree);
