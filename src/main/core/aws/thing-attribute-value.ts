/**
 * AWS IoT Thing attribute values must match the service model's AttributeValue pattern and be at
 * most 800 characters; a template that copies a parameter into AttributePayload makes RegisterThing
 * fail on anything else. Values the station passes for such parameters (station id, operator
 * name, batch id) go through toThingAttributeValue first.
 */
export const thingAttributeValuePattern = /^[\p{L}\p{N}_ +.,@/:#=[\]-]*$/u;
export const maxThingAttributeValueLength = 800;

/** `value` with every character the pattern refuses replaced by `_`, cut to the length limit. */
export function toThingAttributeValue(value: string): string {
  return Array.from(value, (character) => (thingAttributeValuePattern.test(character) ? character : '_'))
    .join('')
    .slice(0, maxThingAttributeValueLength);
}
