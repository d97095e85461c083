import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Heartbeat } from '../bench/soak/heartbeat.js';

// Progress on long work: `connxt migrate` prints each migration (cli.test.ts); `npm run soak`
// prints a line at least every 10 s whatever it is doing, through this heartbeat (soak.ts).

describe('the soak heartbeat', () => {
  it('prints what is going on after each quiet spell, never while lines keep coming, and nothing once stopped', async () => {
    // Its own clock, so that a loaded machine cannot make a quiet spell of the test's pauses.
    let now = 0;
    const printed: string[] = [];
    const heartbeat = new Heartbeat((line) => printed.push(line), { quietMs: 1_000, now: () => now });
    const beats = () => printed.filter((line) => line.startsWith('still '));
    /** Lets the heartbeat's timer (every quietMs / 10 = 100 ms of real time) look at the clock. */
    const tick = () => sleep(250);
    heartbeat.start();
    try {
      heartbeat.phase('draining');
      for (let probe = 1; probe <= 3; probe++) {
        now += 400;
        heartbeat.say(`drain probe ${probe}`);
      }
      now += 999;
      await tick();
      assert.deepEqual(printed, ['drain probe 1', 'drain probe 2', 'drain probe 3'], 'no beat while lines come');

      heartbeat.phase('checking the store');
      now += 1_000;
      await tick();
      assert.deepEqual(beats(), ['still checking the store (1 s so far)']);
      await tick();
      assert.equal(beats().length, 1, 'one beat per quiet spell');
      now += 1_000;
      await tick();
      assert.deepEqual(beats(), ['still checking the store (1 s so far)', 'still checking the store (2 s so far)']);
    } finally {
      heartbeat.stop();
    }
    now += 6_000;
    await tick();
    assert.equal(beats().length, 2, 'stopped');
  });
});
