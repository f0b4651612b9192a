import { scenario } from '../harness/index.ts';
import { identityProvider } from './definitions/identity-provider.ts';

scenario(identityProvider);
