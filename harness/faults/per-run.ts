import type { StartedEnvironment } from '../runtime/environment.ts';

/**
 * What a fault keeps between its inject and its heal, one per environment. A scenario's fault
 * objects are made once, where the scenario is defined, and runs of it may overlap (a self-test
 * plays a scenario against a broken build and the good one at once): state in the fault's own
 * closure would let one run heal what another injected.
 */
export function perRun<S>(init: () => S): (env: StartedEnvironment) => S {
  const states = new WeakMap<StartedEnvironment, S>();
  return (env) => {
    let state = states.get(env);
    if (state === undefined) {
      state = init();
      states.set(env, state);
    }
    return state;
  };
}
