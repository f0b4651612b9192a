import { describe, expect, it } from 'vitest';
import { TargetLogFollower } from './log-follower.ts';

function fakeTarget() {
  let emit: (line: string) => void = () => undefined;
  return {
    target: {
      onLog(listener: (line: string) => void) {
        emit = listener;
        return () => {
          emit = () => undefined;
        };
      },
    },
    print: (line: string) => emit(line),
  };
}

describe('TargetLogFollower', () => {
  it('numbers every line and replays what was printed before the first listener came', () => {
    const { target, print } = fakeTarget();
    const follower = new TargetLogFollower(target);
    print('start-up');
    print('dataset loaded');
    const seen: string[] = [];
    const { earlyDropped } = follower.subscribe((line, n) => seen.push(`${n}:${line}`));
    print('a call');
    expect(earlyDropped).toBe(0);
    expect(seen).toEqual(['1:start-up', '2:dataset loaded', '3:a call']);
    // A second listener gets only what comes after it, numbered as the run goes on.
    const later: string[] = [];
    const second = follower.subscribe((line, n) => later.push(`${n}:${line}`));
    print('another');
    expect(second.earlyDropped).toBe(3);
    expect(later).toEqual(['4:another']);
    expect(follower.lines).toBe(4);
  });

  it('stops following on stop(), and says when a runtime cannot follow at all', () => {
    const { target, print } = fakeTarget();
    const follower = new TargetLogFollower(target);
    const seen: string[] = [];
    follower.subscribe((line) => seen.push(line));
    follower.stop();
    print('after');
    expect(seen).toEqual([]);
    expect(new TargetLogFollower({}).followed).toBe(false);
  });
});
