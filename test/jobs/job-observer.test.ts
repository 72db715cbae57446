import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job.js';
import { everyObserver, type JobObserver } from '../../src/jobs/job-observer.js';

describe('everyObserver', () => {
  it('tells each observer, in order, what it implements, each as itself', () => {
    const heard: string[] = [];
    class Counting implements JobObserver {
      constructor(private readonly name: string) {}
      failed(_job: Job, reason: string) {
        heard.push(`${this.name} failed ${reason}`);
      }
      load(queued: number) {
        heard.push(`${this.name} load ${queued}`);
      }
    }
    const onlyDelivered: JobObserver = { delivered: (_job, route) => heard.push(`delivered ${route}`) };
    const observer = everyObserver(new Counting('first'), null, onlyDelivered, undefined, new Counting('second'));
    observer.failed?.({} as Job, 'timeout');
    observer.delivered?.({} as Job, 'dm', 0);
    observer.load?.(3, 1);
    observer.polled?.({} as Job);
    expect(heard).toEqual([
      'first failed timeout',
      'second failed timeout',
      'delivered dm',
      'first load 3',
      'second load 3',
    ]);
  });
});
