/** A node that carries its own links, so insert and remove (even mid-list) are O(1) and allocate nothing. */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/** Intrusive doubly linked list; a node may be in at most one list at a time. */
export class LinkedList<T extends Linked<T>> {
  head: T | undefined = undefined;
  tail: T | undefined = undefined;
  length = 0;

  push(node: T): void {
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.length++;
  }

  shift(): T | undefined {
    const node = this.head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  pop(): T | undefined {
    const node = this.tail;
    if (node !== undefined) this.remove(node);
    return node;
  }

  /** The caller guarantees the node is in this list. */
  remove(node: T): void {
    const { prev, next } = node;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    node.prev = node.next = undefined;
    this.length--;
  }
}
