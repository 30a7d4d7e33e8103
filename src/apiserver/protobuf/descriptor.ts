/** The compact message table the wire decoder walks (see descriptors.generated.ts). */

/** [field number, JSON name, type, flags]. Type is a scalar, a message name or `map<K,V>`. */
export type FieldEntry = readonly [number, string, string, string];

export type MessageTable = Readonly<Record<string, readonly FieldEntry[]>>;
