/**
 * The floor: what a pool physically costs. A plain array of free resources and a FIFO of
 * waiters, each waiter just its promise's `resolve`; waiters wait for ever.
 */
export class FloorPool {
  queue = [];
  head = 0; // index of the queue's head: `Array#shift` on 100k waiters would copy them

  constructor(resources) {
    this.free = resources;
  }

  get waiting() {
    return this.queue.length - this.head;
  }

  acquire() {
    if (this.free.length > 0) return Promise.resolve(this.free.pop());
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(resource) {
    if (this.head === this.queue.length) this.free.push(resource);
    else this.shift()(resource);
  }

  shift() {
    const waiter = this.queue[this.head];
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) this.queue.length = this.head = 0;
    else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return waiter;
  }
}
