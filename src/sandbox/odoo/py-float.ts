/**
 * A number that Odoo holds as a Python float. JavaScript cannot tell 115 from 115.0, but Python's
 * marshaller writes floats as `<double>115.0</double>` and ints as `<int>`, so read() tags float fields
 * with this wrapper. JSON-2 sees a plain number (toJSON).
 */
export class PyFloat {
  constructor(readonly value: number) {}

  toJSON(): number {
    return this.value;
  }
}
